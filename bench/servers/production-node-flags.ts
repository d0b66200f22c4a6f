/**
 * The node flags the gateway's Docker image runs with (the Dockerfile's CMD; a test keeps
 * the two the same). Every server of the benchmark gets them, Apollo Server and the
 * hand-written BFF too: the comparison is between code, not between V8 settings.
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
