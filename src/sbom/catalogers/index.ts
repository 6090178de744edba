/** Every cataloger, in the order they run. */
import type { Cataloger } from '../cataloger.js';
import { apkCataloger } from './apk.js';
import { dpkgCataloger } from './dpkg.js';
import { rpmCataloger } from './rpm.js';

export const OS_CATALOGERS: Cataloger[] = [dpkgCataloger, apkCataloger, rpmCataloger];

export const LANGUAGE_CATALOGERS: Cataloger[] = [];

export const CATALOGERS: Cataloger[] = [...OS_CATALOGERS, ...LANGUAGE_CATALOGERS];
