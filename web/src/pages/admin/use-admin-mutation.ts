import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors.ts';
import { showToast } from '../../shell/toasts.tsx';

/** A change in an admin list: refreshes the list, reports failures in plain words. */
export function useAdminMutation<Input, Output>(queryKey: QueryKey, run: (input: Input) => Promise<Output>) {
  const { t } = useTranslation();
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => client.invalidateQueries({ queryKey }),
    onError: (error) => showToast(describeError(error, t), { tone: 'error' }),
  });
}
