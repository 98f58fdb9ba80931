/**
 * Test certificates made on the fly with @peculiar/x509 and WebCrypto (ECDSA P-256): a root CA, an intermediate
 * signed by it, and leaves signed by the intermediate (or by themselves), as PEM for node:https.
 */
import 'reflect-metadata'; // @peculiar/x509 builds on tsyringe, which needs the Reflect metadata API
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Issued {
  readonly cert: string;
  readonly key: string;
  readonly keys: CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pemKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function issued(certificate: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  return {
    cert: `${certificate.toString('pem').trimEnd()}\n`,
    key: await pemKey(keys.privateKey),
    keys,
    certificate,
  };
}

async function caExtensions(publicKey: CryptoKey, issuerKey: CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKey),
  ];
}

export async function rootCa(name = 'Doctor Test Root CA'): Promise<Issued> {
  const keys = await keyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALGORITHM,
    extensions: await caExtensions(keys.publicKey, keys.publicKey),
  });
  return issued(certificate, keys);
}

export async function intermediateCa(issuer: Issued, name = 'Doctor Test Intermediate CA'): Promise<Issued> {
  const keys = await keyPair();
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${name}`,
    issuer: issuer.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALGORITHM,
    extensions: await caExtensions(keys.publicKey, issuer.keys.publicKey),
  });
  return issued(certificate, keys);
}

export interface LeafOptions {
  /** Subject alternative names; default: IP 127.0.0.1 and DNS localhost. */
  readonly names?: readonly { type: 'ip' | 'dns'; value: string }[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** A server certificate signed by `issuer`, or by itself when `issuer` is undefined. */
export async function leaf(issuer: Issued | undefined, options: LeafOptions = {}): Promise<Issued> {
  const keys = await keyPair();
  const names = options.names ?? [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'dns', value: 'localhost' },
  ];
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: n.type, value: n.value }))),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const validity = {
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 90 * DAY),
  };
  const subject = `CN=${names[0]?.value ?? 'doctor.test'}`;
  const certificate = issuer
    ? await x509.X509CertificateGenerator.create({
        subject,
        issuer: issuer.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: ALGORITHM,
        ...validity,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        name: subject,
        keys,
        signingAlgorithm: ALGORITHM,
        ...validity,
        extensions,
      });
  return issued(certificate, keys);
}
