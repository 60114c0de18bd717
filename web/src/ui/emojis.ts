// The emoji the picker offers, by name (a common set; any Unicode emoji can still be typed).

export const EMOJIS: [string, string][] = [
  ['thumbsup', '👍'], ['thumbsdown', '👎'], ['heart', '❤️'], ['joy', '😂'], ['smile', '😄'], ['grin', '😁'],
  ['wink', '😉'], ['blush', '😊'], ['heart_eyes', '😍'], ['thinking', '🤔'], ['neutral_face', '😐'],
  ['unamused', '😒'], ['sob', '😭'], ['cry', '😢'], ['rage', '😡'], ['scream', '😱'], ['sunglasses', '😎'],
  ['partying_face', '🥳'], ['upside_down', '🙃'], ['slight_smile', '🙂'], ['eyes', '👀'], ['pray', '🙏'],
  ['clap', '👏'], ['wave', '👋'], ['ok_hand', '👌'], ['raised_hands', '🙌'], ['muscle', '💪'], ['fire', '🔥'],
  ['100', '💯'], ['tada', '🎉'], ['sparkles', '✨'], ['star', '⭐'], ['rocket', '🚀'], ['check', '✅'],
  ['x', '❌'], ['warning', '⚠️'], ['question', '❓'], ['exclamation', '❗'], ['bulb', '💡'], ['coffee', '☕'],
  ['pizza', '🍕'], ['beer', '🍺'], ['cake', '🍰'], ['gift', '🎁'], ['trophy', '🏆'], ['soccer', '⚽'],
  ['video_game', '🎮'], ['musical_note', '🎵'], ['headphones', '🎧'], ['microphone', '🎤'], ['camera', '📷'],
  ['computer', '💻'], ['phone', '📱'], ['bug', '🐛'], ['lock', '🔒'], ['key', '🔑'], ['bell', '🔔'],
  ['calendar', '📅'], ['pushpin', '📌'], ['link', '🔗'], ['memo', '📝'], ['book', '📖'], ['cat', '🐱'],
  ['dog', '🐶'], ['fox', '🦊'], ['panda', '🐼'], ['unicorn', '🦄'], ['sun', '☀️'], ['moon', '🌙'],
  ['rainbow', '🌈'], ['snowflake', '❄️'], ['zap', '⚡'], ['earth', '🌍'], ['seedling', '🌱'], ['rose', '🌹'],
  ['skull', '💀'], ['ghost', '👻'], ['robot', '🤖'], ['alien', '👽'], ['poop', '💩'], ['clown', '🤡'],
  ['salute', '🫡'], ['melting', '🫠'], ['handshake', '🤝'], ['point_up', '☝️'], ['v', '✌️'], ['crossed_fingers', '🤞'],
];
