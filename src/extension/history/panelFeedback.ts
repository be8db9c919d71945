// The panel's 👍/👎 and notes, saved through the history: a rating keeps the completion's note and
// better answer, a note keeps its rating. Feedback on a record still being saved waits for it.
import type { Feedback, SavedRecord } from '../../core/history/types';
import type { CompletionFeedback } from '../../shared/protocol';
import type { PanelFeedback } from '../panel/promptLabPanel';
import type { HistoryService } from './historyService';

const feedbackOf = (record: SavedRecord | undefined): Record<string, CompletionFeedback> => {
  const all: Record<string, CompletionFeedback> = {};
  for (const [key, value] of Object.entries(record?.feedback ?? {})) {
    all[key] = {
      ...(value.rating ? { rating: value.rating } : {}),
      ...(value.note ? { note: value.note } : {}),
      ...(value.betterAnswer ? { betterAnswer: value.betterAnswer } : {}),
    };
  }
  return all;
};

export function panelFeedback(history: HistoryService): PanelFeedback {
  const update = async (recordId: string, completion: string, change: (current: Feedback) => Feedback) => {
    const record = await history.get(recordId);
    const current = record?.feedback?.[completion] ?? {};
    return feedbackOf(await history.setFeedback(recordId, completion, change(current)));
  };
  return {
    rate: (recordId, completion, rating) => update(recordId, completion, (current) => {
      const next: Feedback = { ...current };
      delete next.at;
      if (rating) next.rating = rating;
      else delete next.rating;
      return next;
    }),
    annotate: (recordId, completion, note, betterAnswer) => update(recordId, completion, (current) => ({
      ...(current.rating ? { rating: current.rating } : {}),
      ...(note.trim() ? { note } : {}),
      ...(betterAnswer.trim() ? { betterAnswer } : {}),
    })),
    load: async (recordId) => {
      const record = await history.get(recordId).catch(() => undefined);
      return record && feedbackOf(record);
    },
  };
}
