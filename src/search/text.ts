/** Lowercase, accents off, punctuation to spaces: how questions and content are compared word by word. */
export const foldText = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Short, very common words of our languages that carry no topic. Kept small on purpose: BM25 already discounts
 * common words; this only keeps "what/how/is" from matching every passage.
 */
const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in is it its me my of on or she so that the ' +
    'their them there they this to was what when where which who why will with you your her his he we our us ' +
    'o a os as um uma de do da dos das e é em no na nos nas para por com que se ao como qual quais quando onde ' +
    'eu ela ele meu minha sua seu ou mais muito tem ter ser está são foi ' +
    'na ya wa za la kwa ni je nini vipi gani kama au hii hiyo huyo yangu wangu ana kuna ' +
    'le ho ka ke ea ba ho e a se na ya kapa ' +
    'ndi ndipo kodi ngati ndi kuti ya wa la za mu ku pa ine'
  ).split(' '),
);

export function keywordTerms(text: string): string[] {
  return foldText(text)
    .split(' ')
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

/** Digits and phone-number-like strings removed, for questions kept without who asked. */
export function scrubQuestion(text: string): string {
  return text
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}
