// The cases' reporting, shared by the test programs: each case prints `PASS typescript <case>`
// or `FAIL typescript <case>: why`, and a failure sets a non-zero exit code.

declare const process: { exitCode?: number; env: Record<string, string | undefined> };

/** The environment variable `name`, or a thrown error saying it is missing. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set (interop/typescript/run.sh sets it)`);
  }
  return value;
}

/** Runs one case: it passes when `body` returns, fails with the reason when it throws. */
export async function check(name: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
    console.log(`PASS typescript ${name}`);
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.log(`FAIL typescript ${name}: ${why.replace(/\n/g, " ")}`);
    process.exitCode = 1;
  }
}

/** Throws unless `actual` and `expected` are the same JSON. */
export function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e}, got ${a}`);
  }
}

/** The error `promise` rejects with, or a thrown error when it resolves. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} resolved with ${JSON.stringify(value)} instead of rejecting`);
}
