// A client in another language than the services: registers a volunteer, logs in, renews the login with the
// refresh token as a web app would, and reads the member back, using nothing but the .proto files. Usage: node members_client.js <host:port> <phone> <community_id>
"use strict";
const path = require("path");
const crypto = require("crypto");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const [target, phone, communityId] = process.argv.slice(2);
const definition = protoLoader.loadSync("jifen/members/v1/members.proto", {
  includeDirs: [path.join(__dirname, "..", "..", "protos")],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const v1 = grpc.loadPackageDefinition(definition).jifen.members.v1;
const members = new v1.MembersService(target, grpc.credentials.createInsecure());

const call = (method, request, metadata = new grpc.Metadata()) =>
  new Promise((resolve, reject) =>
    members[method](request, metadata, (err, response) => (err ? reject(err) : resolve(response))));

(async () => {
  // Self-registration answers without the member (it must not tell whether the phone was taken):
  // the login that follows shows who they are.
  await call("RegisterVolunteer", {
    request_id: crypto.randomUUID(),
    name: "Node 志愿者",
    phone,
    password: "node-secret-1",
    community_id: communityId,
  });
  const login = await call("Login", { phone, password: "node-secret-1" });
  const renewed = await call("RefreshToken", { refresh_token: login.refresh_token });
  const metadata = new grpc.Metadata();
  metadata.add("authorization", `Bearer ${renewed.access_token}`);
  const read = await call("GetMember", { member_id: login.member.member_id }, metadata);
  await call("Logout", { refresh_token: renewed.refresh_token });
  const rotated = renewed.refresh_token !== login.refresh_token;
  console.log(JSON.stringify({ registered: login.member.member_id, read: read.member, rotated }));
})().catch((err) => {
  console.error(`${err.code} ${err.details || err.message}`);
  process.exit(1);
});
