import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentAnalyses, type Snapshot } from '../../../server/src/lsp/analyses';

/** A document whose versions the test moves on by hand, and an analysis that finishes when told to. */
function harness() {
  let version = 1;
  const started: number[] = [];
  const wanted: Array<() => boolean> = [];
  const finish: Array<() => void> = [];
  const analyses = new DocumentAnalyses<string>(
    (snapshot, stillWanted) =>
      new Promise((resolve) => {
        started.push(snapshot.version);
        wanted.push(stillWanted);
        finish.push(() => resolve(`analysis of ${snapshot.text}`));
      }),
    (uri) => (uri === 'file:///a' ? version : undefined),
  );
  const snapshot = (): Snapshot => ({ uri: 'file:///a', version, text: `text ${version}`, languageId: 'iptables' });
  const edit = (): void => {
    version++;
  };
  const finishNext = async (): Promise<void> => {
    finish.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { analyses, snapshot, edit, started, wanted, finishNext };
}

test('an answer is for exactly the version asked about, with the text of that version', async () => {
  const h = harness();
  const asked = h.analyses.analysisOf(h.snapshot());
  await h.finishNext();
  assert.deepEqual(await asked, { version: 1, text: 'text 1', value: 'analysis of text 1' });
  assert.deepEqual(await h.analyses.analysisOf(h.snapshot()), { version: 1, text: 'text 1', value: 'analysis of text 1' }, 'kept for its version');
  assert.deepEqual(h.started, [1], 'analysed once');
});

test('a storm of versions costs the running analysis and the newest, and the ones between get none', async () => {
  const h = harness();
  const first = h.analyses.analysisOf(h.snapshot());
  const between: Array<Promise<unknown>> = [];
  for (let i = 0; i < 500; i++) {
    h.edit();
    between.push(h.analyses.analysisOf(h.snapshot()));
    assert.ok(h.analyses.size.waiting <= 1 && h.analyses.size.running <= 1, 'one running and one waiting at most');
  }
  const last = h.snapshot();
  const newest = h.analyses.analysisOf(last);
  assert.equal(h.wanted[0]?.(), false, 'the running analysis is told it is no longer wanted');
  await h.finishNext();
  assert.equal((await first)?.version, 1, 'the running one answers those who asked for its version');
  assert.equal(h.analyses.size.kept, 0, 'but is not kept: a newer version arrived');
  await h.finishNext();
  assert.deepEqual(await newest, { version: last.version, text: last.text, value: `analysis of ${last.text}` });
  assert.deepEqual(h.started, [1, last.version]);
  const answers = await Promise.all(between.slice(0, -1));
  assert.ok(answers.every((a) => a === undefined), 'superseded versions are never analysed');
});

test('a request for a version the document has left gets none at once', async () => {
  const h = harness();
  const old = h.snapshot();
  h.edit();
  assert.equal(await h.analyses.analysisOf(old), undefined);
  assert.deepEqual(h.started, []);
});

test('after invalidate, a kept analysis is made again; after forget, waiting callers get none', async () => {
  const h = harness();
  const first = h.analyses.analysisOf(h.snapshot());
  await h.finishNext();
  await first;
  h.analyses.invalidate();
  const again = h.analyses.analysisOf(h.snapshot());
  await h.finishNext();
  assert.equal((await again)?.value, 'analysis of text 1');
  assert.deepEqual(h.started, [1, 1]);

  h.edit();
  const running = h.analyses.analysisOf(h.snapshot());
  h.edit();
  const waiting = h.analyses.analysisOf(h.snapshot());
  h.analyses.forget('file:///a');
  assert.equal(await waiting, undefined);
  await h.finishNext();
  assert.equal((await running)?.version, 2);
  assert.deepEqual(h.analyses.size, { kept: 0, running: 0, waiting: 0 });
});
