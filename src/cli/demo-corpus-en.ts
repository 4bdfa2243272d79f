/** English demo conversations: what customers ask and what fits as an answer. */
import type { Script, TopicKey } from './demo-corpus.ts';

export const ENGLISH: Record<TopicKey, Script> = {
  'order-status': {
    notes: ['Order was stuck in payment review, released it manually.'],
    cases: [
      {
        subject: 'Where is my order {order}?',
        customer:
          "I placed order {order} on Monday and still haven't received a shipping confirmation. When will it be dispatched?",
        agent:
          'thanks for getting in touch. Your order {order} was handed over to {carrier} today, the tracking number is {tracking}. Delivery usually takes 1–2 business days.',
        followUp: 'Any news on {order}?',
      },
      {
        subject: 'Order {order} stuck in "processing"',
        customer:
          'my account has shown "processing" for order {order} for three days. I need {product} by the weekend – is something wrong?',
        agent:
          "I've checked: {product} was briefly out of stock but is back in our warehouse. Order {order} ships tomorrow and you'll get the confirmation automatically.",
      },
    ],
  },
  'delivery-delay': {
    notes: ['Opened an investigation with {carrier}, follow up in 5 days.'],
    cases: [
      {
        subject: 'Parcel not arrived',
        customer:
          'tracking ({tracking}) said my parcel would arrive two days ago and nothing has happened since. What can I do?',
        agent:
          "I'm sorry about that. I've opened an investigation with {carrier} for {tracking}. If it hasn't reached you by Friday, we'll send a replacement free of charge.",
        followUp: 'The parcel still has not arrived. What happens now?',
      },
      {
        subject: 'Delivery {order} is {days} days late',
        customer: 'the delivery for {order} is now {days} days late. I really need my things.',
        agent:
          '{carrier} had delays in your area because of high parcel volumes. Your parcel is moving again and should arrive tomorrow.',
      },
    ],
  },
  damaged: {
    notes: ['Reported the transport damage to the shipping insurance.'],
    cases: [
      {
        subject: 'Item arrived damaged',
        customer:
          '{product} from order {order} arrived today, but the box was crushed and the contents are damaged. Happy to send photos.',
        agent:
          "that's annoying, I'm sorry. We're sending a replacement right away; please return the damaged item free of charge with the enclosed label.",
        followUp: 'I sent you the photos. When will the replacement arrive?',
      },
      {
        subject: 'Broken after two weeks',
        customer: '{product} broke after just two weeks. Is this a known issue?',
        agent:
          "that shouldn't happen. It's covered by the warranty: I've emailed you a return label, and we'll send a new one as soon as yours arrives.",
      },
    ],
  },
  return: {
    notes: ['Generated a new return label manually.'],
    cases: [
      {
        subject: 'Return {order}',
        customer:
          "I'd like to return {product} from order {order}, I don't like it after all. How does that work?",
        agent:
          'no problem! Returns are free within 30 days. The return label is in your account under "My orders" → {order} → "Return items".',
        followUp: 'The return label link gives me an error.',
      },
      {
        subject: 'Exchange instead of return?',
        customer: 'can I exchange the item from {order} for one size larger instead of sending it back?',
        agent:
          'yes: send it back with a note saying "exchange" and the size you need, and we ship the new one as soon as it arrives.',
      },
    ],
  },
  refund: {
    notes: ['Refund triggered in accounting.'],
    cases: [
      {
        subject: 'Refund not received',
        customer:
          "my return for {order} reached you two weeks ago according to tracking, but I still haven't got the {amount} back.",
        agent:
          'your return has arrived and been checked. The refund of {amount} has been issued and should reach your account within 3–5 business days.',
        followUp: 'Nothing has arrived in my account yet.',
      },
    ],
  },
  invoice: {
    notes: ['Corrected invoice issued, old one cancelled.'],
    cases: [
      {
        subject: 'Invoice for {order}',
        customer: "could you send me the invoice for {order} again? I can't find it anymore.",
        agent:
          'of course! You\'ll find all invoices in your account under "My orders". I\'ve also emailed you invoice {invoice}.',
      },
      {
        subject: 'VAT ID missing on invoice {invoice}',
        customer: 'invoice {invoice} is missing our VAT ID. Our accounting team needs a corrected invoice.',
        agent:
          "I've cancelled invoice {invoice} and issued a corrected one with your VAT ID. It will arrive by email in a few minutes.",
        followUp: "I still haven't received the corrected invoice.",
      },
    ],
  },
  payment: {
    notes: ['Payment provider confirms: authorisation only, no capture.'],
    cases: [
      {
        subject: 'Charged twice',
        customer: 'I was charged {amount} twice for order {order}!',
        agent:
          "the second entry is only a pre-authorisation by your bank and disappears within 5–7 days. You're only charged {amount} once.",
        followUp: 'The double charge is still on my statement.',
      },
      {
        subject: 'Payment failed',
        customer:
          'paying by credit card always fails with "payment declined", although the card works fine elsewhere.',
        agent:
          'the payment failed at the 3-D Secure step. Please try again and confirm the payment in your banking app.',
      },
    ],
  },
  login: {
    notes: ['Verified identity via order number and address.'],
    cases: [
      {
        subject: 'Password reset not working',
        customer: "I forgot my password and the reset email never arrives. It's not in spam either.",
        agent:
          "I've just sent you a new reset link, valid for 60 minutes. If it doesn't arrive, you may have registered with a different email address.",
        followUp: 'The link had already expired when I opened it.',
      },
      {
        subject: 'Keep getting logged out',
        customer: 'since the last app update I keep getting logged out and cannot sign in anymore.',
        agent: 'this is a known issue, fixed in version 4.2.1 of the app. Please update it from the store.',
      },
    ],
  },
  'product-question': {
    notes: ['Asked purchasing about the restock date.'],
    cases: [
      {
        subject: 'Is the {productName} in stock?',
        customer: 'is {product} in stock? The website says "available soon".',
        agent:
          "{product} will be back in stock next week. If you like, I'll add you to the notification list.",
        followUp: 'Yes please. Will the current price still apply?',
      },
      {
        subject: 'Gift wrapping',
        customer: "I'd like to give {product} as a present. Can I add gift wrapping?",
        agent: "gift wrapping can be added in the basket for €3.90, with a greeting card if you'd like.",
      },
    ],
  },
  complaint: {
    notes: ['Escalated to the team lead – customer threatens a bad review.'],
    cases: [
      {
        subject: 'Complaint: no reply',
        customer:
          "I've been waiting over a week for a reply to my last email. Honestly, this is poor service.",
        agent:
          "I'm truly sorry you had to wait so long. I'm handling this personally now and have added a €15 voucher to your account.",
      },
      {
        subject: 'Wrong delivery again',
        customer:
          'this is the third time my order has been delivered wrong. I am seriously thinking about shopping elsewhere.',
        agent:
          "you're absolutely right, that should not have happened. I've told our shipping lead and am sending the correct item by express.",
      },
    ],
  },
  'change-order': {
    notes: ['Updated the order in the warehouse system.'],
    cases: [
      {
        subject: 'Change delivery address',
        customer:
          'I made a typo in the delivery address (house number 12 instead of 21). Can you still change it for {order}?',
        agent:
          'I corrected the address before the parcel left the warehouse. It ships to the right address today.',
      },
      {
        subject: 'Cancel order {order}',
        customer: 'please cancel order {order}, I accidentally ordered {product} twice.',
        agent: "your order {order} is cancelled. You'll get the {amount} back within a few days.",
      },
    ],
  },
  voucher: {
    notes: ['Created one-time goodwill code KULANZ15.'],
    cases: [
      {
        subject: 'Voucher code not working',
        customer: 'the voucher code SOMMER15 from your newsletter shows as invalid in the basket.',
        agent:
          "SOMMER15 applies from €50 and not to sale items. I've created a personal code for you instead: KULANZ15.",
        followUp: 'How do I redeem the new code?',
      },
    ],
  },
};
