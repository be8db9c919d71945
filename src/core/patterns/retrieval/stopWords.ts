// The commonest English function words. They occur in nearly every chunk, so BM25 gives them almost
// no weight anyway; leaving them out of the index and the query saves the time and memory of
// posting lists as long as the corpus, and keeps "what is the moon" from ranking by "what" and "is".
export const STOP_WORDS: ReadonlySet<string> = new Set((
  'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its '
  + 'me my no not of on or our she so such than that the their them then there these they this those to too us was '
  + 'we were what when where which who whom why will with would you your'
).split(' '));
