/**
 * Runs before every test file: tests use the pure-JS `cpu` backend (with all gradients
 * registered) unless `BAYESRNN_BACKEND` names another, through the same selection code users get.
 */
import { selectBackend } from '@bayesrnn/core';

await selectBackend({ name: process.env.BAYESRNN_BACKEND ?? 'cpu', log: () => {} });
