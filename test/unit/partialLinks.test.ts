// Partials through symbolic links (the CLI's file environment): a link out of the prompt's folders
// (`_pw.prompt -> a secret`, as a cloned repository can hold) is refused with a reason; a link
// within them still works. Real folders and links in a temp directory.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/inProcessCli';
import { fileEnvironment } from '../../src/cli/fileEnvironment';

const SECRET = 'root:x:0:0:SECRET-LINE';

describe('partials through symbolic links', () => {
  let scratch: string;
  let repo: string;
  let shared: string;
  const at = (...parts: string[]) => path.join(scratch, ...parts);

  before(() => {
    scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'prompt-lab-links-')));
    repo = at('repo');
    shared = at('shared');
    for (const folder of [repo, shared, at('repo', 'parts'), at('outside')]) mkdirSync(folder);
    writeFileSync(at('outside', 'passwd'), `${SECRET}\n`);
    writeFileSync(at('repo', 'parts', 'real.prompt'), 'Be brief.');
    writeFileSync(at('shared', '_sig.prompt'), '-- the team');
    // Out of the folders: a file elsewhere, through a link to a link, and a linked folder's file.
    symlinkSync(at('outside', 'passwd'), at('repo', '_pw.prompt'));
    symlinkSync(at('repo', '_pw.prompt'), at('repo', '_chain.prompt'));
    symlinkSync(at('outside'), at('repo', 'out'));
    symlinkSync(path.join('out', 'passwd'), at('repo', '_via.prompt'));
    // Within them: beside the prompt (relative link), and into a prompts folder.
    symlinkSync(path.join('parts', 'real.prompt'), at('repo', '_brief.prompt'));
    symlinkSync(at('shared', '_sig.prompt'), at('repo', '_team.prompt'));
    symlinkSync(at('nowhere.prompt'), at('repo', '_dangling.prompt'));
    writeFileSync(at('repo', 'ok.prompt'), '{{> brief}}\n{{> team}}\n');
    writeFileSync(at('repo', 'leak.prompt'), 'Summarize:\n{{> pw}}\n');
    // A folder reached through a link is its real folder: its partials are inside it.
    symlinkSync(repo, at('repo-link'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads a link whose target is inside the prompt\'s folder or a prompts folder', async () => {
    const environment = fileEnvironment(at('repo', 'ok.prompt'), [shared]);
    assert.deepEqual(await environment.readPartial('brief'), { name: 'brief', location: at('repo', '_brief.prompt'), text: 'Be brief.' });
    assert.equal((await environment.readPartial('team') as { text: string }).text, '-- the team');
    const linkedFolder = fileEnvironment(at('repo-link', 'ok.prompt'));
    assert.equal((await linkedFolder.readPartial('brief') as { text: string }).text, 'Be brief.');
  });

  it('refuses a link out of the folders, however it gets there, with the reason', async () => {
    const environment = fileEnvironment(at('repo', 'leak.prompt'), [shared]);
    for (const name of ['pw', 'chain', 'via']) {
      assert.deepEqual(await environment.readPartial(name), { name, location: at('repo', `_${name}.prompt`), refused: 'is a link to a file outside the prompt\'s folders' }, name);
    }
    // A prompts folder holding the target makes it one of the prompt's folders: the user said so.
    assert.equal((await fileEnvironment(at('repo', 'leak.prompt'), [at('outside')]).readPartial('pw') as { text: string }).text, `${SECRET}\n`);
    // _team.prompt points into shared/: without --prompts-dir shared that is outside too.
    assert.equal('refused' in (await fileEnvironment(at('repo', 'ok.prompt')).readPartial('team'))!, true);
    assert.equal(await environment.readPartial('dangling'), undefined, 'a link to nothing is not there');
  });

  it('prompt-lab check reports it at the reference, and render sends none of it', async () => {
    const leak = at('repo', 'leak.prompt');
    const check = await cli('check', leak);
    assert.equal(check.code, 1);
    assert.equal(check.stdout, `${leak}:2:5: error: Partial 'pw' (${at('repo', '_pw.prompt')}) is a link to a file outside the prompt's folders; refused. [partial-not-found]\n`);
    const render = await cli('render', leak, '--json');
    assert.equal(render.code, 1);
    assert.ok(!(render.stdout + render.stderr).includes('SECRET'), render.stdout + render.stderr);
    const ok = await cli('render', at('repo', 'ok.prompt'), '--prompts-dir', shared, '--json');
    assert.equal(ok.code, 0, ok.stderr);
    // Each partial alone on its line stands in for the whole line (Handlebars' standalone rule).
    assert.equal(JSON.parse(ok.stdout).messages[0].content, 'Be brief.-- the team');
  });
});
