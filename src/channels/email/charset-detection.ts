import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/**
 * Guesses the charset of raw 8-bit bytes that came without a declaration (old clients write Subject and
 * From straight in the sender's code page). Every candidate decodes the bytes; the decoding whose characters
 * look most like real text of that charset's languages wins: common CJK characters and kana, common Hangul
 * syllables, the letters of the code page's languages, no control characters, no scripts mixed inside a word.
 */

const MULTIBYTE = ['shift_jis', 'euc-jp', 'gb18030', 'big5', 'euc-kr'] as const;
/** In order of preference on a tie: the most common code pages first. */
const CANDIDATES = [
  'windows-1252',
  ...MULTIBYTE,
  'windows-1250',
  'windows-1251',
  'koi8-r',
  'windows-1253',
  'windows-1254',
  'windows-1257',
  'windows-1255',
  'windows-1256',
  'windows-1258',
] as const;

const ALIASES: Record<string, string> = {
  'ks_c_5601-1987': 'euc-kr',
  ks_c_5601: 'euc-kr',
  cp949: 'euc-kr',
  'x-sjis': 'shift_jis',
  sjis: 'shift_jis',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'big5-hkscs': 'big5',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'us-ascii': 'windows-1252',
};

/** The most frequent characters of modern written Chinese, Japanese and Korean (frequency lists). */
const SIMPLIFIED =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉' +
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切示级顾怀突价格购买订单货付款退换邮件客户服务问题谢您咨询帮助联系确认收到发送请问号码地址产品';
const TRADITIONAL =
  '王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程蘇魏呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯偉芳娜敏靜麗強磊軍洋勇艷傑娟濤明超秀霞平剛桂英華玉蘭萍紅鵬輝' +
  '的一是不了人我在有他這中大來上國個到說們為子和你地出道也時年得就那要下以生會自著去過家學對可她裡後小麼心多天而能好都然沒日於起還發成事只作當想看文無開手十用主行方又如前所本見經頭面公同三已老從動兩長知民樣現分將外但身些與高意進把法此實回二理美點月明其種聲全工己話兒者向情部正名定女問力機給等幾很業最間新什打便位因重被走電四第門相次東政海口使教西再平真聽世氣信北少關並內加化由卻代軍產入先山五太水萬市眼體別處總才場師書比住員九笑性通目華報立馬命張活難神數件安表原車白應路期叫死常提感金何更反合放做系計或司利受光王果親界及今京務制解各任至清物台象記邊共風戰乾接它許八特覺望直服毛林題建南度統色字請交愛讓認算論百吃義科怎元社術結六功指思非流每青管夫連遠資隊跟帶花快條院變聯言權往展該領傳近留紅治決周保達辦運武半候七必城父強步完革深區即求品士轉量空甚眾技輕程告江語英基派滿式李息寫呢識極令黃德收臉錢黨倒未持取設始版雙歷越史商千片容研像找友孩站廣改議形委早房音火際則首單據導影失拿網香似斯專石若兵弟誰校讀志飛觀爭究包組造落視濟喜離雖壞興切示級顧懷突價格購買訂單貨付款退換郵件客戶服務問題謝您諮詢幫助聯繫確認收到發送請問號碼地址產品';
const JAPANESE_KANJI =
  '日本人一大年中会事自社者地業方新場員立開手力問代明動京目通言理体田主題意不作用度強公持野以思家世多正安院心界教文元重近考画海売知道集別物使品計死特私始朝運終台広住真有口少町料工建空急止送切転研足究楽起着店病質待試族銀早映親験英医仕去味写字答夜音注帰古歌買悪図週室歩風紙黒花春赤青館屋色走秋夏習駅洋旅服夕借曜飲肉貸堂鳥飯勉冬昼茶弟牛魚兄犬妹姉漢様達御願致申件確認連絡返信送付内容注文配送届予定変更問合先頂宜';
const KOREAN =
  '김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈영혜희숙자미' +
  '이다는의에가하고을를지기서한로도사리어나자대수정아있시인해주들것으로게전일만국라적보부과요그여우제원장성상면소유동무내관경니였화조까분생회연학발위세신개당방물비공실행업등계중모문말거외명통합진했습않되된할될없또더많금저너희때알같든떤른새좋은크작마음람각기늘까터처럼께테와랑및러즉약경위해통련드립니감사합니다문의확인주문배송결제환불고객님안녕세요';

const COMMON_CJK: Record<string, Set<string>> = {
  gb18030: new Set(SIMPLIFIED),
  big5: new Set(TRADITIONAL),
  shift_jis: new Set(JAPANESE_KANJI + SIMPLIFIED + TRADITIONAL),
  'euc-jp': new Set(JAPANESE_KANJI + SIMPLIFIED + TRADITIONAL),
  'euc-kr': new Set(),
};
const COMMON_HANGUL = new Set(KOREAN);

/** Non-ASCII letters of each Latin code page's languages, lower case: [frequent, rarer]. */
const LATIN_LETTERS: Record<string, [string, string]> = {
  'windows-1252': ['äöüßéèêàâçñáíóúãõåæøëï', 'ìòùîôûœÿý'],
  'windows-1250': ['ąćęłńśźżčďěňřšťůýžőű', 'áäéíóöôúüĺľŕăâîşţđ'],
  'windows-1254': ['çğıöşü', 'âîû'],
  'windows-1257': ['ąčęėįšųūžāēģīķļņõ', 'äöüåæø'],
  // Vietnamese is mostly written with combining marks, so its precomposed letters are weak evidence.
  'windows-1258': ['', 'àáâãèéêìíòóôõùúýăđơư'],
};
/** Each script's letters and its most frequent ones: another script's text read in it gives mostly rare ones. */
const CYRILLIC = { script: /\p{Script=Cyrillic}/u, frequent: 'оеаинтсрвлкмдпуяыь' };
const SCRIPT_OF: Record<string, { script: RegExp; frequent: string }> = {
  'windows-1251': CYRILLIC,
  'koi8-r': CYRILLIC,
  'windows-1253': { script: /\p{Script=Greek}/u, frequent: 'αοετινσςρκπμλυηωάέίό' },
  'windows-1255': { script: /\p{Script=Hebrew}/u, frequent: 'יוהלאמרבנשתםעד' },
  'windows-1256': { script: /\p{Script=Arabic}/u, frequent: 'اليمونهرتبدعكفقسةأ' },
};

const decoders = new Map<string, TextDecoder>();
function decoder(charset: string): TextDecoder {
  let existing = decoders.get(charset);
  if (!existing) {
    existing = new TextDecoder(charset, { fatal: true });
    decoders.set(charset, existing);
  }
  return existing;
}

function tryDecode(bytes: Buffer, charset: string): string | undefined {
  try {
    return decoder(charset).decode(bytes);
  } catch {
    return undefined;
  }
}

const isAsciiLetter = (char: string | undefined) => char !== undefined && /[A-Za-z]/.test(char);
const isMultibyte = (charset: string) => (MULTIBYTE as readonly string[]).includes(charset);

/** How much one character of a decoding looks like real text in the candidate charset. */
function charScore(char: string, charset: string): number {
  const code = char.codePointAt(0)!;
  if ((code >= 0x80 && code <= 0x9f) || code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff)) return -3;
  if (code >= 0x3040 && code <= 0x30ff) return charset === 'shift_jis' || charset === 'euc-jp' ? 1 : 0.3;
  if (code >= 0xac00 && code <= 0xd7a3) return COMMON_HANGUL.has(char) ? 1 : 0.3;
  if (code >= 0x4e00 && code <= 0x9fff) {
    if (charset === 'euc-kr') return 0.1;
    return COMMON_CJK[charset]?.has(char) ? 1 : 0.4;
  }
  if ((code >= 0x3000 && code <= 0x303f) || (code >= 0xff01 && code <= 0xff5e)) return 0.8;
  if (code >= 0xff61 && code <= 0xff9f) return charset === 'shift_jis' || charset === 'euc-jp' ? 0.6 : 0.3;
  if (isMultibyte(charset)) return -0.5;
  const script = SCRIPT_OF[charset];
  if (script) {
    if (!script.script.test(char)) return /\p{L}/u.test(char) ? -1 : 0.2;
    return script.frequent.includes(char.toLowerCase()) ? 1 : 0.6;
  }
  if (/\p{L}/u.test(char)) {
    const [frequent, rarer] = LATIN_LETTERS[charset] ?? ['', ''];
    const lower = char.toLowerCase();
    if (frequent.includes(lower)) return 1;
    if (rarer.includes(lower)) return 0.6;
    return /\p{Script=Latin}/u.test(char) ? 0.1 : -1;
  }
  return 0.2;
}

/** Mean score per non-ASCII byte; a letter of another script glued to ASCII letters, or a case flip, costs. */
function score(text: string, charset: string, nonAsciiBytes: number): number {
  const chars = [...text];
  let total = 0;
  for (const [index, char] of chars.entries()) {
    if (char.charCodeAt(0) < 0x80) continue;
    const weight = isMultibyte(charset) && !(char >= '\uff61' && char <= '\uff9f') ? 2 : 1;
    total += charScore(char, charset) * weight;
    const previous = chars[index - 1];
    if (SCRIPT_OF[charset] && (isAsciiLetter(previous) || isAsciiLetter(chars[index + 1]))) total -= 1;
    if (previous && /\p{Ll}/u.test(previous) && /\p{Lu}/u.test(char)) total -= 0.5;
  }
  return total / nonAsciiBytes;
}

/** The charset a label names, in the WHATWG spelling TextDecoder knows (unknown labels: undefined). */
export function normaliseCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const lower = label.trim().toLowerCase();
  const name = ALIASES[lower] ?? lower;
  try {
    new TextDecoder(name);
    return name;
  } catch {
    return undefined;
  }
}

/**
 * The most plausible charset of `bytes`: UTF-8 when they are valid UTF-8, else the best-scoring candidate.
 * `hint` (the charset the message declares elsewhere) wins unless another charset reads clearly better.
 */
export function detectCharset(bytes: Buffer, hint?: string): string {
  if (isUtf8(bytes)) return 'utf-8';
  let nonAscii = 0;
  for (const byte of bytes) if (byte >= 0x80) nonAscii++;
  const hinted = normaliseCharset(hint);
  let best: { charset: string; score: number } = { charset: 'windows-1252', score: Number.NEGATIVE_INFINITY };
  const candidates = hinted ? [hinted, ...CANDIDATES.filter((entry) => entry !== hinted)] : CANDIDATES;
  for (const charset of candidates) {
    const text = tryDecode(bytes, charset);
    if (text === undefined) continue;
    const value = score(text, charset, Math.max(1, nonAscii)) + (charset === hinted ? 0.15 : 0);
    if (value > best.score) best = { charset, score: value };
  }
  return best.charset;
}

/** Decodes bytes of unknown charset (see detectCharset); never throws. */
export function decodeUnknown(bytes: Buffer, hint?: string): string {
  const charset = detectCharset(bytes, hint);
  return new TextDecoder(charset).decode(bytes);
}
