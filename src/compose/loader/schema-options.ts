/** The ajv options of the compose-spec validator, shared by the run-time compile and the build's precompile. */
export const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false } as const;
