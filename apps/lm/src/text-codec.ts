import { EOS_TOKEN, type Vocabulary } from '@bayesrnn/data';
import type { LmCorpusName } from './settings.js';

/** How `sample` turns a prompt into ids and ids back into text, for a corpus's tokens. */
export interface TextCodec {
  /** The prompt's ids, led by the corpus's start token (`<eos>` for PTB, a newline for characters). */
  encodePrompt(prompt: string): Int32Array;
  /** The prompt and its continuation as text. */
  render(prompt: string, generated: Int32Array): string;
}

/** PTB: words split on white space, `<eos>` shown as a line break. */
function wordCodec(vocabulary: Vocabulary): TextCodec {
  const words = (prompt: string) => prompt.split(/\s+/).filter((word) => word !== '');
  return {
    encodePrompt: (prompt) =>
      Int32Array.from([EOS_TOKEN, ...words(prompt)].map((word) => vocabulary.id(word))),
    render(prompt, generated) {
      const tokens = [...words(prompt), ...Array.from(generated, (id) => vocabulary.token(id))];
      const lines = tokens.join(' ').split(EOS_TOKEN);
      return lines
        .map((line) => line.trim())
        .join('\n')
        .trim();
    },
  };
}

/**
 * Characters: one id per character of the prompt, after a line break (the book's is CRLF);
 * the output is the characters joined, `\r` dropped so it prints as plain lines.
 */
function charCodec(vocabulary: Vocabulary): TextCodec {
  const start = vocabulary.has('\n') ? ['\n'] : [];
  return {
    encodePrompt: (prompt) =>
      Int32Array.from([...start, ...Array.from(prompt)].map((char) => vocabulary.id(char))),
    render: (prompt, generated) =>
      (prompt + Array.from(generated, (id) => vocabulary.token(id)).join('')).replaceAll('\r', ''),
  };
}

/** The codec for a run's corpus (`undefined`: a PTB run written before the option existed). */
export function textCodec(corpus: LmCorpusName | undefined, vocabulary: Vocabulary): TextCodec {
  return corpus === 'warpeace' ? charCodec(vocabulary) : wordCodec(vocabulary);
}
