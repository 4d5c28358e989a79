/**
 * The sentence-reversed copy of an encoded corpus, for the reversed-PTB uncertainty benchmark
 * (Fortunato et al. 2017, §5.1): the words of every sentence in reverse order, each sentence
 * still ending with its `<eos>`. A trailing piece without `<eos>` is reversed as a sentence too.
 *
 * @example reverseSentences([5, 6, 7, EOS, 8, 9, EOS], EOS) → [7, 6, 5, EOS, 9, 8, EOS]
 */
export function reverseSentences(ids: Int32Array, eosId: number): Int32Array {
  const reversed = new Int32Array(ids.length);
  let start = 0;
  for (let i = 0; i <= ids.length; i += 1) {
    if (i < ids.length && ids[i] !== eosId) continue;
    for (let j = start; j < i; j += 1) reversed[j] = ids[i - 1 - (j - start)] as number;
    if (i < ids.length) reversed[i] = eosId;
    start = i + 1;
  }
  return reversed;
}
