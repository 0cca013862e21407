/** Asks a yes/no question on a terminal; without a terminal the answer is no. */
export async function confirm(message: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
  const { default: ask } = await import('@inquirer/confirm');
  return ask({ message, default: false });
}
