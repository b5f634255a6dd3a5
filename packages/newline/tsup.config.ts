// The shared @framed build (../../tsup.package.ts); @framed/core stays an import, never bundled.
import { framedPackage } from "../../tsup.package.ts";

export default framedPackage({}, [/^@framed\/core/]);
