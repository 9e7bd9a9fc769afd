/** `node --import <this file>`: log every module the process loads (see import-hooks.ts). */
import { register } from 'node:module';

register(new URL('./import-hooks.js', import.meta.url));
