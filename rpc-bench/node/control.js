// The runner's protocol, as in the Java targets: print LISTENING <port>; on stdin, HEAP prints the
// V8 heap in use after a full collection (node runs with --expose-gc), EXIT or end of input exits.
'use strict';
const readline = require('readline');

exports.listening = (port) => {
  process.stdout.write('LISTENING ' + port + '\n');
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const command = line.trim();
    if (command === 'HEAP') {
      if (global.gc) {
        global.gc();
        global.gc();
      }
      process.stdout.write('HEAP ' + process.memoryUsage().heapUsed + '\n');
    } else if (command === 'EXIT') {
      process.exit(0);
    }
  });
  rl.on('close', () => process.exit(0));
};
