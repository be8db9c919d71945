// The characters after which the .prompt completions are asked for: in a file of their own, without
// imports, so the activation shell's stand-in provider has them too (src/extension/extension.ts).
/** `{{` and `{{#`/`{{>` open expressions, `"` a role name, a space the next argument or the model. */
export const COMPLETION_TRIGGERS = ['{', '#', '>', '"', ' ', '/'];
