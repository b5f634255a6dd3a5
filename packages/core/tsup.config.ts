// The shared @framed build (../../tsup.package.ts), plus the testing kit, whose fast-check is a peer.
import { framedPackage } from "../../tsup.package.ts";

export default framedPackage({ testing: "src/testing/index.ts" }, ["fast-check"]);
