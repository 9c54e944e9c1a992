// expect: COMPLETED
// expect-output: ["aGVsbG8=","YWI=","hello","abc",true,true,true,"TypeError"]
export default function () {
  let wideError = null;
  try { btoa('€'); } catch (e) { wideError = e.message.includes('InvalidCharacterError'); }
  let badError = null;
  try { atob('a'); } catch (e) { badError = e.message.includes('InvalidCharacterError'); }
  let missing = null;
  try { atob(); } catch (e) { missing = e.name; }
  return [btoa('hello'), btoa('ab'), atob('aGVsbG8='), atob(' YW Jj '), atob(btoa('\xff\x00')) === '\xff\x00',
          wideError, badError, missing];
}
