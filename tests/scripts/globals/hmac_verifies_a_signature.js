// expect: COMPLETED
// expect-output: ["5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",true,false,false,"TypeError"]
// RFC 4231, test case 2: HMAC-SHA256 of "what do ya want for nothing?" under "Jefe".
export default function () {
  const mac = crypto.hmac('sha256', 'Jefe', 'what do ya want for nothing?');
  let badAlgorithm = null;
  try { crypto.hmac('md5', 'k', 'd'); } catch (e) { badAlgorithm = e.name; }
  return [mac, crypto.timingSafeEqual(mac, mac), crypto.timingSafeEqual(mac, mac.slice(1)),
          crypto.timingSafeEqual('abc', 'abd'), badAlgorithm];
}
