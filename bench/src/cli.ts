/** The `bayesrnn-bench` executable (`npm run bench`): runs the benchmark and exits with its code. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
