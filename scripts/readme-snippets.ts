/**
 * README snippets as apps. Every ```ts block of README.md names where it goes, with jsii-rosetta's
 * own `fixture=` parameter, so that rosetta and this generator place it the same way:
 *
 * - ```ts fixture=stack: the body of a stack's constructor (`this` is the stack), as a user pastes
 *   it; rosetta/stack.ts-fixture is that stack;
 * - ```ts fixture=app: a whole app that makes its own `const app = new App()`; rosetta/app.ts-fixture.
 *   One that makes no stack gets an empty one here, as `cdk synth` refuses an app without stacks.
 *
 * A snippet shows the imports it needs at its top; both rosetta and this generator hoist them.
 * A ```json cdk.json block after a snippet, under the same heading, is that snippet's cdk.json:
 * its `context` is given to the app, as the CLI gives a project's cdk.json.
 *
 * `snippetApp` makes a snippet into a complete app: the fixture with the snippet in it, all seven
 * compliance plugins registered on the App (the five cdk-nag packs, the Control Tower rules and
 * DynamoDbChecks), then `app.synth()`. test/readme-snippets.test.ts runs each one in-process;
 * .ci/readme-snippets/run writes them out with this script and runs `cdk synth --strict` on each:
 *
 *   ts-node scripts/readme-snippets.ts <outdir>
 *
 * writes <outdir>/<name>/app.ts and cdk.json per snippet, and <outdir>/snippets.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** Where a snippet goes: the names of its rosetta fixtures. */
export type SnippetFixture = 'stack' | 'app';
const FIXTURES: SnippetFixture[] = ['stack', 'app'];

/** One ```ts block of the README. */
export interface Snippet {
  /** The heading it is under, with a counter when the heading has more than one snippet. */
  readonly name: string;
  /** A directory name made from `name`. */
  readonly slug: string;
  /** 1-based line of its opening fence in the README. */
  readonly line: number;
  readonly fixture: SnippetFixture;
  readonly source: string;
  /** The `context` of the ```json cdk.json block that follows it, if any. */
  readonly context: Record<string, unknown>;
}

/** Every ```ts block of a README, in order. Refuses a block that does not say where it goes. */
export function readmeSnippets(readme: string): Snippet[] {
  const lines = readme.split('\n');
  const found: Array<Omit<Snippet, 'name' | 'slug'> & { heading: string }> = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const headingMatch = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (headingMatch) {
      heading = headingMatch[1].trim();
      continue;
    }
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!fence) {
      continue;
    }
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end < 0) {
      throw new Error(`README.md:${i + 1}: code block never closed`);
    }
    const body = lines.slice(i + 1, end).join('\n') + '\n';
    const [language, info] = [fence[1], fence[2]];
    if (language === 'ts' || language === 'typescript') {
      const fixture = /(?:^|\s)fixture=(\S+)/.exec(info)?.[1];
      if (!FIXTURES.includes(fixture as SnippetFixture)) {
        throw new Error(`README.md:${i + 1}: a \`\`\`ts block must say where it goes, with ${FIXTURES.map(f => `fixture=${f}`).join(' or ')}` +
          ` (see scripts/readme-snippets.ts), got '${lines[i]}'`);
      }
      found.push({ heading, line: i + 1, fixture: fixture as SnippetFixture, source: body, context: {} });
    } else if (language === 'json' && /(?:^|\s)cdk\.json(?:\s|$)/.test(info)) {
      const previous = found[found.length - 1];
      if (previous === undefined || previous.heading !== heading) {
        throw new Error(`README.md:${i + 1}: a cdk.json block belongs to the \`\`\`ts block before it, under the same heading`);
      }
      found[found.length - 1] = { ...previous, context: JSON.parse(body).context ?? {} };
    }
    i = end;
  }

  const perHeading = new Map<string, number>();
  for (const snippet of found) {
    perHeading.set(snippet.heading, (perHeading.get(snippet.heading) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  return found.map(({ heading: h, ...snippet }) => {
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    const name = perHeading.get(h)! > 1 ? `${h} (${n})` : h;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    return { ...snippet, name, slug };
  });
}

/**
 * The snippet as a complete TypeScript app: its imports, the fixture with its body (as rosetta
 * builds it), and what this generator adds: the seven plugins on the App, and synth.
 */
export function snippetApp(snippet: Snippet): string {
  const fixture = fs.readFileSync(path.join(root, 'rosetta', `${snippet.fixture}.ts-fixture`), 'utf-8');
  const { imports, statements } = sidelineImports(snippet.source);
  const app = fixture.replace(/[/]{3}[ \t]*here[ \t]*$/m, () => statements);
  const run = snippet.fixture === 'stack'
    ? ['const snippetApp = new snippetCdk.App();', 'snippetChecks(snippetApp);', 'new Fixture(snippetApp, \'Snippet\');', 'snippetApp.synth();']
    : [
      'snippetChecks(app);',
      '// `cdk synth` refuses an app without stacks: give it an empty one, which adds no resource.',
      'if (!app.node.findAll().some(c => snippetCdk.Stack.isStack(c))) {',
      '  snippetCdk.Validations.of(new snippetCdk.Stack(app, \'Empty\')).acknowledge({',
      '    id: \'CloudFormation-Validate::F0001\',',
      '    reason: \'The empty stack that scripts/readme-snippets.ts adds to an app-level snippet without stacks, for cdk synth.\',',
      '  });',
      '}',
      'app.synth();',
    ];
  return [
    `// README.md:${snippet.line}, "${snippet.name}": generated by scripts/readme-snippets.ts.`,
    imports.trim(),
    app.trim(),
    '',
    '// Added by scripts/readme-snippets.ts: every compliance plugin on the App, then synth.',
    'import * as snippetCfnGuard from \'@cdklabs/cdk-validator-cfnguard\';',
    'import * as snippetCdk from \'aws-cdk-lib\';',
    'import * as snippetNag from \'cdk-nag\';',
    'import * as snippetKit from \'cdk-dynamodb-kit\';',
    'function snippetChecks(scope: snippetCdk.App): void {',
    '  snippetCdk.Validations.of(scope).addPlugins(',
    '    new snippetNag.AwsSolutionsChecks(scope),',
    '    new snippetNag.HIPAASecurityChecks(scope),',
    '    new snippetNag.NIST80053R5Checks(scope),',
    '    new snippetNag.PCIDSS321Checks(scope),',
    '    new snippetNag.ServerlessChecks(scope),',
    '    new snippetCfnGuard.CfnGuardValidator({ controlTowerRulesEnabled: true }),',
    '    new snippetKit.DynamoDbChecks(scope),',
    '  );',
    '}',
    ...run,
    '',
  ].join('\n');
}

/**
 * Splits a snippet into its imports and the rest, as jsii-rosetta does (lib/fixtures.js,
 * `sidelineImports`): import declarations and `declare` statements move to the top of the file.
 */
function sidelineImports(source: string): { imports: string; statements: string } {
  const file = ts.createSourceFile('snippet.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let imports = '';
  let statements = '';
  for (const statement of file.statements) {
    const declared = ts.isVariableStatement(statement) && statement.modifiers?.some(m => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || declared) {
      imports += statement.getFullText(file);
    } else {
      statements += statement.getFullText(file);
    }
  }
  return { imports, statements };
}

if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) {
    console.error('usage: ts-node scripts/readme-snippets.ts <outdir>');
    process.exit(2);
  }
  const snippets = readmeSnippets(fs.readFileSync(path.join(root, 'README.md'), 'utf-8'));
  for (const snippet of snippets) {
    const dir = path.join(outdir, snippet.slug);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'app.ts'), snippetApp(snippet));
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js', context: snippet.context }, undefined, 2) + '\n');
  }
  fs.writeFileSync(path.join(outdir, 'snippets.json'),
    JSON.stringify(snippets.map(s => ({ name: s.name, slug: s.slug, line: s.line })), undefined, 2) + '\n');
  console.log(`${snippets.length} README snippets written to ${outdir}`);
}
