export * from './http-json';
export * from './rate-limiter';
export * from './deployteq';
export * from './zendesk-chat';
export * from './zendesk-chat/api';
export * from './zendesk-chat/catalog';
