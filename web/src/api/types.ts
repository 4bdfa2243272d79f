// The server's zod schemas are the contract; these are their inferred types, nothing written by hand.
import type { z } from 'zod';
import type {
  CannedAnswerView,
  CreateCannedAnswerBody,
} from '../../../src/modules/canned-answers/canned-answers.schema.ts';
import type {
  ChannelView,
  CreateChannelBody,
  CreatedChannelView,
  UpdateChannelBody,
} from '../../../src/modules/channels/channels.schema.ts';
import type {
  ContactView,
  CreateContactBody,
  IdentityBody,
  IdentityView,
  UpdateContactBody,
} from '../../../src/modules/contacts/contacts.schema.ts';
import type {
  AttachmentView,
  ConversationListQuery,
  ConversationView,
  MessageView,
  ReplyBody,
  UpdateConversationBody,
} from '../../../src/modules/conversations/conversations.schema.ts';
import type {
  ChannelKindView,
  InboxCounts,
  SavedView,
  SavedViewBody,
  ViewFilters,
} from '../../../src/modules/inbox/inbox.schema.ts';
import type { CrmCustomerView } from '../../../src/modules/integrations/crm.schema.ts';
import type { CreateLabelBody, LabelView } from '../../../src/modules/labels/labels.schema.ts';
import type { TenantView, UpdateTenantBody } from '../../../src/modules/tenants/tenants.schema.ts';
import type {
  CreatedInvitationView,
  InviteUserBody,
  LoginBody,
  MeView,
  TeamBody,
  TeamView,
  UpdateMeBody,
  UpdateUserBody,
  UserView,
} from '../../../src/modules/users/users.schema.ts';

export type Conversation = ConversationView;
export type Message = MessageView;
export type Attachment = z.infer<typeof AttachmentView>;
export type ConversationStatus = Conversation['status'];
export type Priority = Conversation['priority'];
export type MessageStatus = NonNullable<Message['status']>;
export type ConversationListParams = Partial<z.input<typeof ConversationListQuery>>;
export type ConversationUpdate = z.input<typeof UpdateConversationBody>;
export type Reply = z.input<typeof ReplyBody>;

export type Contact = ContactView;
export type Identity = z.infer<typeof IdentityView>;
export type IdentityKind = Identity['kind'];
export type IdentityInput = z.input<typeof IdentityBody>;
export type ContactInput = z.input<typeof CreateContactBody>;
export type ContactUpdate = z.input<typeof UpdateContactBody>;

export type Channel = ChannelView;
export type CreatedChannel = z.infer<typeof CreatedChannelView>;
export type ChannelInput = z.input<typeof CreateChannelBody>;
export type ChannelUpdate = z.input<typeof UpdateChannelBody>;
export type ChannelKind = ChannelKindView;

export type User = UserView;
export type Role = User['role'];
export type Team = TeamView;
export type TeamInput = z.input<typeof TeamBody>;
export type UserInput = z.input<typeof InviteUserBody>;
export type CreatedInvitation = z.infer<typeof CreatedInvitationView>;
export type UserUpdate = z.input<typeof UpdateUserBody>;
export type Me = z.infer<typeof MeView>;
export type MeUpdate = z.input<typeof UpdateMeBody>;
export type Login = z.input<typeof LoginBody>;

export type Tenant = TenantView;
export type TenantUpdate = z.input<typeof UpdateTenantBody>;

export type Label = LabelView;
export type LabelInput = z.input<typeof CreateLabelBody>;
export type CannedAnswer = CannedAnswerView;
export type CannedAnswerInput = z.input<typeof CreateCannedAnswerBody>;

export type CrmCustomer = z.infer<typeof CrmCustomerView>;

export type Counts = InboxCounts;
export type Filters = ViewFilters;
export type View = SavedView;
export type ViewInput = z.input<typeof SavedViewBody>;

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
