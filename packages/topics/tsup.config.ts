// The shared @framed build (../../tsup.package.ts) without runtime entries: topics are runtime-neutral, and the
// Redis backplane is its own entry so only its users load the client. @framed/core and redis stay imports.
import { framedPackage } from "../../tsup.package.ts";

export default framedPackage({ redis: "src/redis.ts" }, [/^@framed\/core/, /^@redis\/client/], false);
