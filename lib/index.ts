export * from './oauth2';
export * from './providers';
