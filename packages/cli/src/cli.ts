#!/usr/bin/env node
// The `framed` bin: run the command line, wait for stdout to take everything, exit with the command's code.
import { run } from "./run.ts";

const code = await run(process.argv.slice(2));
// Exit explicitly: stdin may still be open (a terminal) after the connection ended.
if (process.stdout.writableLength > 0) await new Promise((resolve) => process.stdout.once("drain", resolve));
process.exit(code);
