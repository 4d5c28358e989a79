export { default } from '../../tsup.app.ts';
