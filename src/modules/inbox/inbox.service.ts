import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { visibleConversationsFilter } from '../conversations/conversation.policy.ts';
import { presentConversation } from '../conversations/conversation.presenter.ts';
import type { SavedViewRow } from './inbox.presenter.ts';
import * as repository from './inbox.repository.ts';
import type {
  ChannelKindView,
  InboxCounts,
  SavedViewBody,
  UpdateSavedViewBody,
  ViewFilters,
} from './inbox.schema.ts';

const MAX_SAVED_VIEWS = 50;

/** What the agent workspace needs around the conversation list: counts, search, saved views. */
export class InboxService {
  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
  ) {}

  async counts(actor: Actor): Promise<InboxCounts> {
    const { db } = this.platform.database;
    const views = await repository.listSavedViews(db, actor.tenantId, actor.userId);
    return repository.countConversations(
      db,
      actor.tenantId,
      visibleConversationsFilter(actor),
      actor.userId,
      views.map((view) => ({ id: view.id, filters: view.filters as ViewFilters })),
    );
  }

  async search(actor: Actor, q: string, limit: number) {
    const rows = await repository.searchConversations(
      this.platform.database.db,
      actor.tenantId,
      visibleConversationsFilter(actor),
      q,
      limit,
    );
    return rows.map((row) => presentConversation(row.conversation, row.contactName));
  }

  /** Which identity kinds each installed channel kind can deliver to (for the reply-channel picker). */
  channelKinds(): ChannelKindView[] {
    const { registry } = this.channels;
    return registry.kinds().map((kind) => {
      const adapter = registry.get(kind);
      return {
        kind,
        displayName: adapter.displayName,
        reachableIdentityKinds:
          adapter.reachableIdentityKinds === 'any' ? 'any' : [...adapter.reachableIdentityKinds],
      };
    });
  }

  listViews(actor: Actor): Promise<SavedViewRow[]> {
    return repository.listSavedViews(this.platform.database.db, actor.tenantId, actor.userId);
  }

  async createView(actor: Actor, input: SavedViewBody): Promise<SavedViewRow> {
    const { db } = this.platform.database;
    const existing = await repository.listSavedViews(db, actor.tenantId, actor.userId);
    if (existing.length >= MAX_SAVED_VIEWS) {
      throw new DomainError('invalid_state', `You can keep at most ${MAX_SAVED_VIEWS} saved views`);
    }
    return repository.insertSavedView(db, actor.tenantId, actor.userId, {
      ...input,
      position: input.position || existing.length,
    });
  }

  async updateView(actor: Actor, id: string, input: UpdateSavedViewBody): Promise<SavedViewRow> {
    const row = await repository.updateSavedView(
      this.platform.database.db,
      actor.tenantId,
      actor.userId,
      id,
      input,
    );
    if (!row) throw notFound('Saved view', id);
    return row;
  }

  async removeView(actor: Actor, id: string): Promise<void> {
    const row = await repository.deleteSavedView(this.platform.database.db, actor.tenantId, actor.userId, id);
    if (!row) throw notFound('Saved view', id);
  }
}
