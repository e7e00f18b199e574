// Flags several commands take, defined once so they read and behave alike.
import type { ArgsDef } from "citty";

/** The run a command acts on, as its positional argument. */
export const RUN_ARG = { run: { type: "positional", description: "run id or unique prefix", required: true } } as const satisfies ArgsDef;
/** -run: the run a listing is about. */
export const RUN_FLAG = { run: { type: "string", description: "run id or unique prefix" } } as const satisfies ArgsDef;
/** -package: a listing narrowed to one package. */
export const PACKAGE_FILTER = { package: { type: "string", description: "only this package" } } as const satisfies ArgsDef;
