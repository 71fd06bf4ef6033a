export * from './http-json';
export * from './rate-limiter';
export * from './deployteq';
export * from './zendesk-chat';
export * from './description';
export * from './settings';
