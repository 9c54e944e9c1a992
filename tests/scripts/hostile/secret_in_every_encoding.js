// expect: COMPLETED
// secrets: {"PUNCTUATED": "pa!ss*wo'rd(x)~é€"}
// expect-absent: ["pa!ss", "pa%21ss", "wo'rd", "wo%27rd", "70612173732a", "cGEhc3Mqd28ncmQoeCl+w6nigqw", "%u20AC"]
// Every standard encoding a script can make of a secret is scrubbed from its
// record: encodeURIComponent and encodeURI keep !*'() as they are, escape()
// writes %uXXXX, the strict RFC 3986 form (MDN's fixedEncodeURIComponent) its own way.
export default async () => {
  const key = await sdk.secrets.get('PUNCTUATED');
  const hex = [...new TextEncoder().encode(key)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const bytes = String.fromCharCode(...new TextEncoder().encode(key));
  console.log(encodeURIComponent(key), encodeURI(key), escape(key));
  const strict = encodeURIComponent(key).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  console.log(strict, hex, hex.toUpperCase(), btoa(bytes));
  sdk.log.info('as metadata', { key, nested: JSON.stringify({ key }), url: 'https://x.test/?k=' + encodeURIComponent(key) });
  return { key, url: encodeURI('https://x.test/' + key) };
};
