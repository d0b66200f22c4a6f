import type { CacheSettings } from '../cache/cache-settings.js';
import type { ApqLimits } from '../edge/apq-limits.js';
import type { ClientSettings } from '../edge/client-settings.js';
import type { JwksSettings } from '../edge/jwks-settings.js';
import type { QueryLimits } from '../edge/query-limits.js';
import type { ExecutionSettings } from '../execution/execution-settings.js';
import type { LogLevel } from '../observability/create-logger.js';
import type { ServiceSettings } from '../upstream/service-settings.js';

/** The gateway's whole configuration, validated. */
export interface GatewayConfig<ServiceName extends string = string> {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  nodeEnv: string;
  /** `NODE_ENV=production`: no introspection or GraphiQL, masked errors, secrets required. */
  production: boolean;
  logLevel: LogLevel;
  /** `pretty` (pino-pretty, development only) or `json`. */
  logFormat: 'json' | 'pretty';
  /** Prefix of the gateway's own metric families. */
  metricsPrefix: string;
  /** HS256 secret (JWT_SECRET); null: HS256 tokens are refused (JWT_JWKS_URL alone verifies tokens). */
  jwtSecret: string | null;
  /** JWT_JWKS_URL and its checks (JWT_ISSUER, JWT_AUDIENCE, JWT_USER_CLAIM, GATEWAY_CONFIG `jwks`); null: HS256 only. */
  jwks: JwksSettings | null;
  syncTokenSecret: string;
  /** True when a secret fell back to the development default (never in production). */
  usingDevSecrets: boolean;
  /** Redis for the shared L2 cache, persisted queries and rate limits; null = in-memory only. */
  redisUrl: string | null;
  /** The tiered cache (L1 in-process, L2 on `redisUrl`). */
  cache: CacheSettings;
  /** Every backend of the app (code-defined services and schema `@source`s), by name. */
  services: Record<ServiceName, ServiceSettings>;
  /** Budget of one GraphQL request: every backend call and retry of it ends by then. */
  requestDeadlineMs: number;
  /** How long a stopping instance lets in-flight requests finish. */
  shutdownDrainMs: number;
  /** CLIENT_RATE_LIMIT: requests per client (viewer, else IP) in any `windowSeconds`. */
  clientRateLimit: { max: number; windowSeconds: number };
  /** CLIENT_RATE_LIMIT_TIERS: the limit of viewers whose token names a tier; others get `clientRateLimit`. */
  clientRateLimitTiers: ReadonlyMap<string, { max: number; windowSeconds: number }>;
  /** RATE_LIMIT_TIER_CLAIM: the (top-level) JWT claim that names the viewer's tier. */
  rateLimitTierClaim: string;
  /** Query and request limits (GATEWAY_CONFIG `limits`). */
  limits: QueryLimits;
  /** Per-field rate limits replacing the schema's `@rateLimit` (GATEWAY_CONFIG `rateLimits`), by `Type.field`. */
  fieldRateLimits: Readonly<Record<string, { max: number; window: string }>>;
  /**
   * `apq`: automatic persisted queries (Apollo protocol) plus ordinary queries;
   * `only`: trusted documents: only the operations of the manifest run; `off`.
   * The `apq` field: bounds of automatic persisted queries (GATEWAY_CONFIG `persistedQueries`).
   */
  persistedQueries: { mode: 'apq' | 'only' | 'off'; manifest: ReadonlyMap<string, string>; apq: ApqLimits };
  /** Lifetime of a delta-sync token. */
  syncTokenTtlSeconds: number;
  /**
   * OPS_PORT: a second listener for `/metrics` and `/health/detailed` (and the probes);
   * the public port then serves only `/health` and `/health/ready` of them. null: one port.
   */
  opsPort: number | null;
  /** OPS_TOKEN: bearer token `/metrics` and `/health/detailed` require; null: none. */
  opsToken: string | null;
  /** CORS_ORIGINS: origins browsers may call from (`*` = any, without credentials); null: no CORS. */
  corsOrigins: readonly string[] | null;
  /** CLIENT_LABELS_MAX: distinct app name/version pairs with metric labels of their own. */
  clientLabelsMax: number;
  /** GATEWAY_CONFIG `clients`: minimum app versions. */
  clients: ClientSettings;
  /** GATEWAY_EXECUTOR and GATEWAY_CONFIG `execution`: compiled (graphql-jit) or standard execution. */
  execution: ExecutionSettings;
}
