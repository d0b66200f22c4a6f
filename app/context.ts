import type { GatewayContext } from '../src/index.js';
import type { Loaders, Services } from '../services/index.js';

/** `ctx` of the app's resolvers: the engine's request context, typed with the app's services. */
export type AppContext = GatewayContext<Services, Loaders>;
