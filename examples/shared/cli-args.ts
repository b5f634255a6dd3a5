/** The examples' command lines: a parse error prints the message and the usage, and exits 2. */

/**
 * `parse(argv)`, or exit 2 with its error and `usage` on stderr.
 *
 * @example
 * ```ts
 * const args = parseOrExit(parseArgs, USAGE);
 * ```
 */
export function parseOrExit<T>(parse: (argv: string[]) => T, usage: string): T {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
