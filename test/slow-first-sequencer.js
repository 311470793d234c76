/**
 * jest's order of test files, with the longest ones first when jest has no timings yet.
 *
 * jest runs files it has timed longest first, so that no worker idles at the end. On a fresh
 * clone (CI) it has no timings and orders by file size, and the two property files, which are a
 * few lines each but take a minute or more, ran last: the suite took about 30 s longer. This
 * sequencer keeps jest's order and moves the files below, the longest on this machine, to the
 * front, longest first.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'test/property/valid-configurations-2.test.ts',
  'test/property/valid-configurations.test.ts',
  'test/stack-dashboard.test.ts',
  'test/compliance.test.ts',
  'test/readme-snippets.test.ts',
  'test/examples.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = test => {
      const index = LONGEST_FIRST.findIndex(file => test.path.endsWith(`/${file}`));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    const ordered = super.sort(tests);
    return ordered.map((test, position) => ({ test, position }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.position - b.position)
      .map(({ test }) => test);
  }
}

module.exports = SlowFirstSequencer;
