/** Development-only secrets: `npm start` and local tools (`allowDevSecrets`); never `npm run gateway`. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SYNC_TOKEN_SECRET = 'dev-only-sync-token-secret-change-me-0123';
