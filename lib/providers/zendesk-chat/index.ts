/** Zendesk Chat: the description, the engine configuration, the operation catalog and the API client. */
export * from './description';
export * from './config';
export * from './catalog';
export * from './api';
export * from './limiter';
export * from './settings';
