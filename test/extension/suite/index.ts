// Entry point VS Code loads inside the extension host: mocha with the suite's files.
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  // The test files are bundled into this one; define describe/it before they are evaluated.
  mocha.suite.emit('pre-require', globalThis, 'endpoint-lens-extension-suite', mocha);
  await import('./extension.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
