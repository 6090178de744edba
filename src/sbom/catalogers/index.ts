/** Every cataloger, in the order they run. */
import type { Cataloger } from '../cataloger.js';
import { apkCataloger } from './apk.js';
import { dpkgCataloger } from './dpkg.js';
import { rpmCataloger } from './rpm.js';
import { goBinaryCataloger } from './go-binary.js';
import { javaCataloger } from './java.js';
import { npmCataloger } from './npm.js';
import { pythonCataloger } from './python.js';

export const OS_CATALOGERS: Cataloger[] = [dpkgCataloger, apkCataloger, rpmCataloger];

export const LANGUAGE_CATALOGERS: Cataloger[] = [npmCataloger, pythonCataloger, goBinaryCataloger, javaCataloger];

export const CATALOGERS: Cataloger[] = [...OS_CATALOGERS, ...LANGUAGE_CATALOGERS];
