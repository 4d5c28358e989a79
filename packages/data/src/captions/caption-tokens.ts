/**
 * Python's `string.punctuation`, the 32 ASCII punctuation characters that Karpathy's
 * neuraltalk2 `prepro.py` deletes. Deleted, not replaced by spaces: `tri-colored` becomes
 * `tricolored` and `dog's` becomes `dogs`, as in the published vocabularies.
 */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Tokenises a caption as Karpathy's neuraltalk preprocessing does
 * (`s.lower().translate(None, string.punctuation).strip().split()`): lower-case, delete the
 * ASCII punctuation characters, split on whitespace, drop empty tokens. Non-ASCII characters
 * are kept as they are (Flickr8k has none).
 *
 * @example tokenizeCaption('A dog, running.') // ['a', 'dog', 'running']
 * @returns the words, `[]` for a caption with none.
 */
export function tokenizeCaption(text: string): string[] {
  return text
    .toLowerCase()
    .replace(ASCII_PUNCTUATION, '')
    .split(/\s+/)
    .filter((token) => token.length > 0);
}
