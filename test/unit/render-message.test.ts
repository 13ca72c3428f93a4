import { describe, expect, it } from 'vitest';
import { composeEmail, render } from '../../src/activities/render-message';

const meeting = {
  meeting_id: 'm1',
  title: 'Demo',
  start_time: '2026-01-13T14:00:00.000Z',
  join_link: 'https://meet.example.com/m1',
  attendees: ['john@example.com'],
};

describe('composeEmail', () => {
  it('uses the invite template for a chained meeting, with the join link and local time', () => {
    const email = composeEmail({}, meeting, 'Europe/Paris');
    expect(email.subject).toBe('Invitation: Demo');
    expect(email.body).toContain('Tue 13 Jan 2026, 15:00');
    expect(email.body).toContain('https://meet.example.com/m1');
  });

  it('renders placeholders in a given body', () => {
    expect(composeEmail({ subject: 'Link', body: 'Use {{join_link}}' }, meeting, 'UTC').body).toBe(
      'Use https://meet.example.com/m1',
    );
  });

  it('adds the join link when a given body leaves it out', () => {
    expect(composeEmail({ subject: 'Hi', body: 'See you' }, meeting, 'UTC').body).toBe(
      'See you\n\nJoin: https://meet.example.com/m1',
    );
  });

  it('sends a plain email as given when nothing is chained', () => {
    expect(
      composeEmail({ subject: 'Report', body: 'Attached {{nothing}}' }, undefined, 'UTC'),
    ).toEqual({ subject: 'Report', body: 'Attached {{nothing}}' });
  });
});

describe('render', () => {
  it('leaves unknown placeholders visible', () => {
    expect(render('{{a}} {{ b }}', { a: '1' })).toBe('1 {{ b }}');
  });
});
