// Keys the extension stores under in VS Code (secret storage, global state) and ids of its
// transient UI. Kept with the other ids so nothing spells `mcpPool.` out elsewhere.

/** SecretStorage keys: `${SECRET_PREFIX}<name>` for `${secret:<name>}` references. */
export const SECRET_PREFIX = 'mcpPool.secret.';

/** SecretStorage keys of direct apps' OAuth sign-ins: `${SIGN_IN_PREFIX}<key>` (key: see pool/signIn.ts). */
export const SIGN_IN_PREFIX = 'mcpPool.signIn.';

/** globalState key of the last arguments per app and tool. */
export const ARGUMENT_MEMORY_KEY = 'mcpPool.lastArguments';

/** Status bar item ids of the JSON arguments editors: `${JSON_ARGUMENTS_STATUS_PREFIX}<n>`. */
export const JSON_ARGUMENTS_STATUS_PREFIX = 'mcpPool.jsonArguments.';

/** globalState key of the apps the user allowed to sample through a language model. */
export const SAMPLING_CONSENT_KEY = 'mcpPool.samplingConsent';

/** globalState key of the protocol era found for each server (keys are hashes; see config/eraStore.ts). */
export const ERA_VERDICTS_KEY = 'mcpPool.protocolEras';

/** globalState keys of the offers to route other MCP hosts' entries through the pool: those made (`<file>#<entry>`), and "Don't Ask Again". */
export const ROUTE_OFFERS_SEEN_KEY = 'mcpPool.routeOffers.seen';
export const ROUTE_OFFERS_NEVER_KEY = 'mcpPool.routeOffers.never';
