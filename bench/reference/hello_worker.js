// The same hello as a Cloudflare Worker, for workerd (see workerd.capnp).
export default {
  fetch() {
    return Response.json({ hello: "world" });
  },
};
