"""The other end of one secret chat, for tests: an implementation that shares no code with ours.

TL is written and read here by hand, DH uses Python's pow, hashes come from hashlib, and AES-IGE
and the MTProto 2.0 key/iv derivation from telethon. It is strict: a wrong fingerprint, msg_key,
length, layer wrapper or sequence number is an error that names what was wrong.

Protocol: one JSON object per line on stdin, one answer per line on stdout. Bytes are base64,
64-bit integers decimal strings. See pythonPeer.ts for the commands.
"""

import base64
import copy
import hashlib
import json
import os
import struct
import sys

from telethon.crypto import AES
from telethon.network.mtprotostate import MTProtoState

LAYER = 73  # until set_layer: 73, 101 and 144 are the layers this peer speaks

LAYER_WRAPPER = 0x1BE31789
MESSAGE = 0x91CC4674
MESSAGE_46 = 0x36B091DE
SERVICE = 0x73164160
VECTOR = 0x1CB5C415
MEDIA_EMPTY = 0x089F5C4A
MEDIA_GEO = 0x35480A59
# messageEntity* by kind: (constructor, extra field, first layer that knows it)
ENTITIES = {
    'unknown': (0xBB92BA95, None, 46),
    'mention': (0xFA04579D, None, 46),
    'hashtag': (0x6F635B0D, None, 46),
    'botCommand': (0x6CEF8AC7, None, 46),
    'url': (0x6ED02538, None, 46),
    'email': (0x64E475C2, None, 46),
    'bold': (0xBD610BC9, None, 46),
    'italic': (0x826F8B60, None, 46),
    'code': (0x28A20571, None, 46),
    'pre': (0x73924BE0, ('language', 'string'), 46),
    'textUrl': (0x76A6D327, ('url', 'string'), 46),
    'mentionName': (0x352DCA58, ('user_id', 'int'), 46),
    'phone': (0x9B69E34B, None, 46),
    'cashtag': (0x4C4E743F, None, 46),
    'bankCard': (0x761E6AF4, None, 101),
    'underline': (0x9C4E7E8B, None, 101),
    'strike': (0xBF0693D4, None, 101),
    'blockquote': (0x020DF5D0, None, 101),
    'spoiler': (0x32CA960F, None, 144),
    'customEmoji': (0xC8CF05F8, ('document_id', 'long'), 144),
}
ENTITY_BY_ID = {constructor: (kind, extra, layer) for kind, (constructor, extra, layer) in ENTITIES.items()}
ENTITY_BOLD = 0xBD610BC9
ENTITY_TEXT_URL = 0x76A6D327
MEDIA_PHOTO = 0xF1FA8D78
MEDIA_DOCUMENT = 0x7AFE8AE2
MEDIA_DOCUMENT_143 = 0x6ABD9782  # layer 143 (TDLib's secret_api.tl): size became a long
ATTRIBUTE_FILENAME = 0x15590068
ATTRIBUTE_IMAGE_SIZE = 0x6C37C15C
ATTRIBUTE_ANIMATED = 0x11B58939
ATTRIBUTE_VIDEO = 0x0EF02CE6  # documentAttributeVideo66: flags (round_message), duration, w, h
ATTRIBUTE_AUDIO = 0x9852F9C6  # documentAttributeAudio (layer 46): flags, duration, title?, performer?, waveform?
VOICE_FLAG = 1 << 10
TYPING = 0xCCB27641
SEND_TYPING = 0x16BF744E

# action kind -> (constructor, fields); field types: int, long, bytes, longs
ACTIONS = {
    'setMessageTtl': (0xA1733AEC, [('ttl_seconds', 'int')]),
    'readMessages': (0x0C4F40BE, [('random_ids', 'longs')]),
    'deleteMessages': (0x65614304, [('random_ids', 'longs')]),
    'screenshotMessages': (0x8AC1F475, [('random_ids', 'longs')]),
    'flushHistory': (0x6719E45C, []),
    'resend': (0x511110B0, [('start_seq_no', 'int'), ('end_seq_no', 'int')]),
    'notifyLayer': (0xF3048883, [('layer', 'int')]),
    'requestKey': (0xF3C9611B, [('exchange_id', 'long'), ('g_a', 'bytes')]),
    'acceptKey': (0x6FE1735B, [('exchange_id', 'long'), ('g_b', 'bytes'), ('key_fingerprint', 'long')]),
    'abortKey': (0xDD05EC6B, [('exchange_id', 'long')]),
    'commitKey': (0xEC2E0B9B, [('exchange_id', 'long'), ('key_fingerprint', 'long')]),
    'noop': (0xA82FDD63, []),
}
ACTION_BY_ID = {constructor: (kind, fields) for kind, (constructor, fields) in ACTIONS.items()}


class PeerError(Exception):
    pass


def b64(value):
    return base64.b64encode(value).decode()


def unb64(value):
    return base64.b64decode(value)


# --- TL ---------------------------------------------------------------------------------------

def put_int(value):
    return struct.pack('<i', value)


def put_id(value):
    return struct.pack('<I', value)


def put_long(value):
    return struct.pack('<q', value)


def put_bytes(value):
    if len(value) < 254:
        head = bytes([len(value)])
    else:
        head = bytes([254]) + len(value).to_bytes(3, 'little')
    body = head + value
    return body + bytes(-len(body) % 4)


def put_field(kind, value):
    if kind == 'int':
        return put_int(int(value))
    if kind == 'long':
        return put_long(int(value))
    if kind == 'bytes':
        return put_bytes(unb64(value))
    if kind == 'longs':
        return put_id(VECTOR) + put_int(len(value)) + b''.join(put_long(int(item)) for item in value)
    raise PeerError('unknown field type ' + kind)


class Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, count, what):
        if self.at + count > len(self.data):
            raise PeerError('TL ends inside ' + what)
        chunk = self.data[self.at:self.at + count]
        self.at += count
        return chunk

    def id(self, what):
        return struct.unpack('<I', self.take(4, what))[0]

    def int(self, what):
        return struct.unpack('<i', self.take(4, what))[0]

    def long(self, what):
        return struct.unpack('<q', self.take(8, what))[0]

    def bytes(self, what):
        length = self.take(1, what)[0]
        head = 1
        if length == 254:
            length = int.from_bytes(self.take(3, what), 'little')
            head = 4
        value = self.take(length, what)
        self.take(-(head + length) % 4, what)
        return value

    def field(self, kind, what):
        if kind == 'int':
            return self.int(what)
        if kind == 'long':
            return str(self.long(what))
        if kind == 'bytes':
            return b64(self.bytes(what))
        if kind == 'longs':
            if self.id(what) != VECTOR:
                raise PeerError(what + ' is not a vector')
            return [str(self.long(what)) for _ in range(self.int(what))]
        raise PeerError('unknown field type ' + kind)


def encode_message(command, random_id):
    text = command['text'].encode('utf-8')
    legacy = command.get('legacy46', False)
    flags = 0
    tail = b''
    media = b''
    entities = b''
    if 'geo' in command:
        flags |= 1 << 9
        media = put_id(MEDIA_GEO) + struct.pack('<dd', *command['geo'])
    if 'media_tl' in command:
        flags |= 1 << 9
        media = command['media_tl']
    if 'entities' in command:
        flags |= 1 << 7
        entities = put_id(VECTOR) + put_int(len(command['entities']))
        for entity in command['entities']:
            if 'constructor_id' in entity:  # a constructor of a layer nobody knows yet
                entities += put_id(int(entity['constructor_id'])) + put_int(entity['offset']) + put_int(entity['length'])
                continue
            constructor, extra, _ = ENTITIES[entity['type']]
            entities += put_id(constructor) + put_int(entity['offset']) + put_int(entity['length'])
            if extra is not None:
                name, kind = extra
                entities += put_bytes(entity[name].encode()) if kind == 'string' else put_field(kind, entity[name])
    if 'via_bot_name' in command:
        flags |= 1 << 11
        entities += put_bytes(command['via_bot_name'].encode())
    if command.get('silent'):
        flags |= 1 << 5
    if 'reply_to_random_id' in command:
        flags |= 1 << 3
        tail += put_long(int(command['reply_to_random_id']))
    if 'grouped_id' in command and not legacy:
        flags |= 1 << 17
        tail += put_long(int(command['grouped_id']))
    head = put_id(MESSAGE_46 if legacy else MESSAGE) + put_int(flags) + put_long(random_id) + put_int(command.get('ttl', 0)) + put_bytes(text)
    return head + media + entities + tail


# --- files (end-to-end: a key and iv of their own, AES-256-IGE, an MD5-based 32-bit fingerprint) ---

def file_fingerprint(key, iv):
    digest = hashlib.md5(key + iv).digest()
    return struct.unpack('<i', bytes(a ^ b for a, b in zip(digest[0:4], digest[4:8])))[0]


def encrypt_file(command):
    """decryptedMessageMediaPhoto / Document for command['file'], and the encrypted bytes to upload."""
    plain = unb64(command['file'])
    key, iv = os.urandom(32), os.urandom(32)
    padded = plain + os.urandom(-len(plain) % 16)
    encrypted = AES.encrypt_ige(padded, key, iv)
    caption = command.get('caption', '').encode('utf-8')
    thumb = put_bytes(unb64(command.get('thumb', ''))) + put_int(command.get('thumb_w', 0)) + put_int(command.get('thumb_h', 0))
    kind = command.get('media')
    if kind == 'photo':
        media = put_id(MEDIA_PHOTO) + thumb + put_int(command.get('w', 0)) + put_int(command.get('h', 0)) + put_int(len(plain)) + put_bytes(key) + put_bytes(iv) + put_bytes(caption)
    else:
        attributes = [put_id(ATTRIBUTE_FILENAME) + put_bytes(command.get('file_name', 'file').encode('utf-8'))]
        duration = command.get('duration', 0)
        if kind == 'video':
            attributes.insert(0, put_id(ATTRIBUTE_VIDEO) + put_int(0) + put_int(duration) + put_int(command.get('w', 0)) + put_int(command.get('h', 0)))
        elif kind in ('audio', 'voice'):
            flags = VOICE_FLAG if kind == 'voice' else 0
            tail = b''
            for bit, name in ((1, 'title'), (2, 'performer')):
                if name in command:
                    flags |= bit
                    tail += put_bytes(command[name].encode('utf-8'))
            attributes.insert(0, put_id(ATTRIBUTE_AUDIO) + put_int(flags) + put_int(duration) + tail)
        media = put_id(MEDIA_DOCUMENT) + thumb + put_bytes(command.get('mime_type', 'application/octet-stream').encode()) + put_int(len(plain)) + put_bytes(key) + put_bytes(iv) + put_id(VECTOR) + put_int(len(attributes)) + b''.join(attributes) + put_bytes(caption)
    return media, encrypted, file_fingerprint(key, iv)


def decode_media(reader, layer):
    constructor = reader.id('media')
    if constructor not in (MEDIA_PHOTO, MEDIA_DOCUMENT, MEDIA_DOCUMENT_143):
        raise PeerError('this peer reads photo and document media only, not 0x%08x' % constructor)
    if constructor == MEDIA_DOCUMENT_143 and layer < 143:
        raise PeerError('a layer-143 document in a layer-%d message' % layer)
    media = {'type': 'photo' if constructor == MEDIA_PHOTO else 'document'}
    media['constructor'] = {MEDIA_PHOTO: 'photo', MEDIA_DOCUMENT: 'document', MEDIA_DOCUMENT_143: 'document143'}[constructor]
    media['thumb'] = b64(reader.bytes('thumb'))
    media['thumb_w'] = reader.int('thumb_w')
    media['thumb_h'] = reader.int('thumb_h')
    if constructor == MEDIA_PHOTO:
        media['w'] = reader.int('w')
        media['h'] = reader.int('h')
    else:
        media['mime_type'] = reader.bytes('mime_type').decode('utf-8')
    media['size'] = reader.long('size') if constructor == MEDIA_DOCUMENT_143 else reader.int('size')
    key, iv = reader.bytes('key'), reader.bytes('iv')
    if len(key) != 32 or len(iv) != 32:
        raise PeerError('a file key and iv are 32 bytes each, got %d and %d' % (len(key), len(iv)))
    media['key'], media['iv'] = b64(key), b64(iv)
    if constructor != MEDIA_PHOTO:
        if reader.id('attributes') != VECTOR:
            raise PeerError('attributes is not a vector')
        media['attributes'] = []
        for _ in range(reader.int('attributes')):
            attribute = reader.id('attribute')
            if attribute == ATTRIBUTE_FILENAME:
                media['file_name'] = reader.bytes('file_name').decode('utf-8')
                media['attributes'].append('filename')
            elif attribute == ATTRIBUTE_IMAGE_SIZE:
                media['w'], media['h'] = reader.int('w'), reader.int('h')
                media['attributes'].append('imageSize')
            elif attribute == ATTRIBUTE_ANIMATED:
                media['attributes'].append('animated')
            elif attribute == ATTRIBUTE_VIDEO:
                media['round'] = bool(reader.int('flags') & 1)
                media['duration'], media['w'], media['h'] = reader.int('duration'), reader.int('w'), reader.int('h')
                media['attributes'].append('video')
            elif attribute == ATTRIBUTE_AUDIO:
                flags = reader.int('flags')
                media['voice'] = bool(flags & VOICE_FLAG)
                media['duration'] = reader.int('duration')
                if flags & 1:
                    media['title'] = reader.bytes('title').decode('utf-8')
                if flags & 2:
                    media['performer'] = reader.bytes('performer').decode('utf-8')
                if flags & 4:
                    reader.bytes('waveform')
                media['attributes'].append('voice' if media['voice'] else 'audio')
            else:
                raise PeerError('unknown document attribute 0x%08x' % attribute)
    media['caption'] = reader.bytes('caption').decode('utf-8')
    return media


def decrypt_file(media, file):
    """Checks the fingerprint Telegram relayed against the key/iv in the message, then decrypts and trims."""
    key, iv = unb64(media['key']), unb64(media['iv'])
    data = unb64(file['data'])
    expected = file_fingerprint(key, iv)
    if int(file['key_fingerprint']) != expected:
        raise PeerError('file key_fingerprint %d does not match the key and iv in the message (%d)' % (int(file['key_fingerprint']), expected))
    if len(data) % 16 or not (len(data) - 16 < media['size'] <= len(data)):
        raise PeerError('file size mismatch: the message says %d bytes, the encrypted file has %d' % (media['size'], len(data)))
    return AES.decrypt_ige(data, key, iv)[:media['size']]


def encode_action(action):
    if action['kind'] == 'typing':
        return put_id(TYPING) + put_id(SEND_TYPING)
    if action['kind'] == 'unsupported':
        return put_id(int(action['constructor_id']))
    if action['kind'] not in ACTIONS:
        raise PeerError('unknown action kind ' + action['kind'])
    constructor, fields = ACTIONS[action['kind']]
    return put_id(constructor) + b''.join(put_field(kind, action[name]) for name, kind in fields)


def read_entities(reader):
    if reader.id('entities') != VECTOR:
        raise PeerError('entities is not a vector')
    entities = []
    for _ in range(reader.int('entities')):
        constructor = reader.id('entity')
        if constructor not in ENTITY_BY_ID:
            raise PeerError('unknown entity constructor 0x%08x' % constructor)
        kind, extra, layer = ENTITY_BY_ID[constructor]
        entity = {'type': kind, 'offset': reader.int('offset'), 'length': reader.int('length'), 'layer': layer}
        if extra is not None:
            name, field_kind = extra
            entity[name] = reader.bytes(name).decode('utf-8') if field_kind == 'string' else reader.field(field_kind, name)
        entities.append(entity)
    return entities


def decode_layer(plain):
    reader = Reader(plain)
    if reader.id('wrapper') != LAYER_WRAPPER:
        raise PeerError('not a decryptedMessageLayer')
    random_bytes = reader.bytes('random_bytes')
    if len(random_bytes) < 15:
        raise PeerError('random_bytes has %d bytes, fewer than 15' % len(random_bytes))
    layer = reader.int('layer')
    in_seq_no = reader.int('in_seq_no')
    out_seq_no = reader.int('out_seq_no')
    constructor = reader.id('message')
    out = {'layer': layer, 'in_seq_no': in_seq_no, 'out_seq_no': out_seq_no}
    if constructor in (MESSAGE, MESSAGE_46):
        flags = reader.int('flags')
        out['random_id'] = str(reader.long('random_id'))
        out['ttl'] = reader.int('ttl')
        out['kind'] = 'message'
        out['text'] = reader.bytes('message').decode('utf-8')
        if flags & (1 << 9):
            out['media'] = decode_media(reader, layer)
        if flags & (1 << 7):
            out['entities'] = read_entities(reader)
        if flags & (1 << 11):
            out['via_bot_name'] = reader.bytes('via_bot_name').decode('utf-8')
        out['silent'] = bool(flags & (1 << 5))
        if flags & (1 << 3):
            out['reply_to_random_id'] = str(reader.long('reply_to_random_id'))
        if constructor == MESSAGE and flags & (1 << 17):
            out['grouped_id'] = str(reader.long('grouped_id'))
    elif constructor == SERVICE:
        out['random_id'] = str(reader.long('random_id'))
        out['kind'] = 'service'
        action_id = reader.id('action')
        if action_id not in ACTION_BY_ID:
            raise PeerError('unknown action constructor 0x%08x' % action_id)
        kind, fields = ACTION_BY_ID[action_id]
        action = {'kind': kind}
        for name, field_kind in fields:
            action[name] = reader.field(field_kind, name)
        out['action'] = action
    else:
        raise PeerError('unknown message constructor 0x%08x' % constructor)
    if reader.at != len(plain):
        raise PeerError('%d bytes after the message' % (len(plain) - reader.at))
    return out


# --- DH -----------------------------------------------------------------------------------------

def is_probable_prime(n):
    if n < 2 or n % 2 == 0:
        return n == 2
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(8):  # enough for a test peer; each round is two 2048-bit pows
        a = int.from_bytes(os.urandom(32), 'big') % (n - 3) + 2
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def check_parameters(p, g):
    if p.bit_length() != 2048:
        raise PeerError('p is not 2048 bits')
    if not is_probable_prime(p) or not is_probable_prime((p - 1) // 2):
        raise PeerError('p is not a safe prime')
    if g < 2 or g > 7 or pow(g, (p - 1) // 2, p) != 1:
        raise PeerError('g does not generate the subgroup of order (p-1)/2')


def check_public(value, p, name):
    margin = 1 << (2048 - 64)
    if not (margin < value < p - margin):
        raise PeerError(name + ' is out of range')


def to256(value):
    return value.to_bytes(256, 'big')


def fingerprint_of(key):
    return int.from_bytes(hashlib.sha1(key).digest()[-8:], 'little', signed=True)


def random_long():
    return int.from_bytes(os.urandom(8), 'little', signed=True)


# --- the chat -----------------------------------------------------------------------------------

class Chat:
    def __init__(self):
        self.creator = None
        self.p = None
        self.g = None
        self.exponent = None
        self.key = None
        self.previous_key = None  # kept after a re-key until the other side uses the new key
        self.out_count = 0
        self.in_count = 0
        self.his_in_count = 0
        self.his_layer = 0
        self.layer_seen = None
        self.layer = LAYER  # the layer this peer reads and writes
        self.announced = None  # the layer this peer told the other side (notifyLayer)
        self.sent = {}  # out_seq_no -> (TL, key it was sealed with), for resend
        self.rekey = None  # {'state': 'requested'|'accepted', 'exchange_id', 'exponent' | 'key'}
        # Powers a test switches on (configure): gap handling as the spec asks, and misbehaviour.
        self.hold_gaps = False  # hold messages after a gap, ask once per hole, meet resends at once
        self.held = {}  # out_seq_no -> (message, key), messages after a gap
        self.held_since_resend = 0
        self.forge = {}  # one-shot: 'commit_fingerprint_delta', 'accept_fingerprint_delta', 'bad_g_b'
        self.retired = []  # every key replaced by a re-key, to forge messages under an old key

    # x is 0 for what the creator sends, 8 for the other side; telethon's client=True is x=0.
    def seal(self, tl, key):
        body = struct.pack('<I', len(tl)) + tl
        padding = 12 + (-(len(body) + 12) % 16)
        padding += 16 * (os.urandom(1)[0] % ((1024 - padding) // 16 + 1))
        plain = body + os.urandom(padding)
        x = 0 if self.creator else 8
        msg_key = hashlib.sha256(key[88 + x:88 + x + 32] + plain).digest()[8:24]
        aes_key, aes_iv = MTProtoState._calc_key(key, msg_key, self.creator)
        return put_long(fingerprint_of(key)) + msg_key + AES.encrypt_ige(plain, aes_key, aes_iv)

    def open(self, data):
        if len(data) < 40 or (len(data) - 24) % 16:
            raise PeerError('bad length %d' % len(data))
        fingerprint = struct.unpack('<q', data[:8])[0]
        # The key of a re-key we accepted, too: the other side uses it from its commitKey on, which may be lost.
        pending = self.rekey.get('key') if self.hold_gaps and self.rekey and self.rekey['state'] == 'accepted' else None
        keys = [k for k in (self.key, self.previous_key, pending) if k is not None and fingerprint_of(k) == fingerprint]
        if not keys:
            raise PeerError('unknown key fingerprint %d (current %d)' % (fingerprint, fingerprint_of(self.key)))
        key = keys[0]
        msg_key = data[8:24]
        x = 8 if self.creator else 0
        aes_key, aes_iv = MTProtoState._calc_key(key, msg_key, not self.creator)
        plain = AES.decrypt_ige(data[24:], aes_key, aes_iv)
        if hashlib.sha256(key[88 + x:88 + x + 32] + plain).digest()[8:24] != msg_key:
            raise PeerError('msg_key mismatch')
        length = struct.unpack('<I', plain[:4])[0]
        padding = len(plain) - 4 - length
        if length % 4 or padding < 12 or padding > 1024:
            raise PeerError('bad length prefix %d (padding %d)' % (length, padding))
        return plain[4:4 + length], key

    def next_out(self, tl_message, command):
        in_seq_no = command.get('in_seq_no', 2 * self.in_count + (0 if self.creator else 1))
        forged = 'out_seq_no' in command
        out_seq_no = command['out_seq_no'] if forged else 2 * self.out_count + (1 if self.creator else 0)
        layer = command.get('layer', self.layer)
        key = self.key
        if command.get('key') == 'retired':  # the key before the last re-key, to forge a stale message
            if not self.retired:
                raise PeerError('no retired key yet')
            key = self.retired[-1]
        tl = put_id(LAYER_WRAPPER) + put_bytes(os.urandom(16)) + put_int(layer) + put_int(in_seq_no) + put_int(out_seq_no) + tl_message
        if not forged:
            self.sent[out_seq_no] = (tl, key)
            self.out_count += 1
        return {'data': b64(self.seal(tl, key)), 'in_seq_no': in_seq_no, 'out_seq_no': out_seq_no, 'fingerprint': str(fingerprint_of(key))}

    def send_action(self, action, command=None):
        random_id = random_long()
        sealed = self.next_out(put_id(SERVICE) + put_long(random_id) + encode_action(action), command or {})
        sealed['random_id'] = str(random_id)
        return sealed

    def new_key_from(self, other_public, exponent):
        check_public(other_public, self.p, 'the other public value')
        return to256(pow(other_public, exponent, self.p))

    # --- commands ---

    def op_accept(self, command):
        self.creator = False
        self.p, self.g = int.from_bytes(unb64(command['p']), 'big'), int(command['g'])
        check_parameters(self.p, self.g)
        g_a = int.from_bytes(unb64(command['g_a']), 'big')
        check_public(g_a, self.p, 'g_a')
        b = int.from_bytes(os.urandom(256), 'big')
        g_b = pow(self.g, b, self.p)
        check_public(g_b, self.p, 'g_b')
        self.key = to256(pow(g_a, b, self.p))
        return {'g_b': b64(to256(g_b)), 'key_fingerprint': str(fingerprint_of(self.key))}

    def op_request(self, command):
        self.creator = True
        self.p, self.g = int.from_bytes(unb64(command['p']), 'big'), int(command['g'])
        check_parameters(self.p, self.g)
        self.exponent = int.from_bytes(os.urandom(256), 'big')
        g_a = pow(self.g, self.exponent, self.p)
        check_public(g_a, self.p, 'g_a')
        return {'g_a': b64(to256(g_a))}

    def op_accepted(self, command):
        key = self.new_key_from(int.from_bytes(unb64(command['g_b']), 'big'), self.exponent)
        if fingerprint_of(key) != int(command['key_fingerprint']):
            raise PeerError('key_fingerprint mismatch: the accepting side computed another key')
        self.key = key
        self.exponent = None
        return {'fingerprint': str(fingerprint_of(key))}

    def op_encrypt(self, command):
        if self.key is None:
            raise PeerError('no chat key yet')
        if 'action' in command:
            action = dict(command['action'])
            if action['kind'] == 'requestKey' and 'g_a' not in action:
                if self.rekey is not None:
                    raise PeerError('a re-key is already under way')
                exponent = int.from_bytes(os.urandom(256), 'big')
                action['exchange_id'] = str(random_long())
                action['g_a'] = b64(to256(pow(self.g, exponent, self.p)))
                self.rekey = {'state': 'requested', 'exchange_id': int(action['exchange_id']), 'exponent': exponent}
                sealed = self.send_action(action, command)
                sealed['exchange_id'] = action['exchange_id']
                return sealed
            if action['kind'] == 'notifyLayer':
                self.announced = int(action['layer'])
            if action['kind'] == 'abortKey' and self.rekey is not None and int(action['exchange_id']) == self.rekey['exchange_id']:
                self.rekey = None
            return self.send_action(action, command)
        random_id = int(command.get('random_id', random_long()))
        if 'raw' in command:  # the message part as given (a body the other side cannot read)
            sealed = self.next_out(unb64(command['raw']), command)
            sealed['random_id'] = str(random_id)
            return sealed
        encrypted_file = None
        if 'file' in command:
            media, encrypted_file, fingerprint = encrypt_file(command)
            command = dict(command, media_tl=media)
        sealed = self.next_out(encode_message(command, random_id), command)
        sealed['random_id'] = str(random_id)
        if encrypted_file is not None:
            sealed['file_data'] = b64(encrypted_file)
            # A forged fingerprint: the file no longer matches the key in the message.
            sealed['file_key_fingerprint'] = fingerprint ^ 1 if command.get('wrong_fingerprint') else fingerprint
        return sealed

    def check_seq(self, message):
        sender_creator = not self.creator
        out_seq_no, in_seq_no = message['out_seq_no'], message['in_seq_no']
        expected = 2 * self.in_count + (1 if sender_creator else 0)
        if out_seq_no % 2 != expected % 2:
            raise PeerError('out_seq_no %d has the wrong parity (expected %d)' % (out_seq_no, expected))
        if out_seq_no < expected:
            raise PeerError('replay: out_seq_no %d was already received (expected %d)' % (out_seq_no, expected))
        if out_seq_no > expected:
            raise PeerError('gap: expected out_seq_no %d, got %d (missing %s)' % (expected, out_seq_no, ', '.join(str(n) for n in range(expected, out_seq_no, 2))))
        if in_seq_no % 2 != (0 if sender_creator else 1):
            raise PeerError('in_seq_no %d has the wrong parity' % in_seq_no)
        if in_seq_no // 2 < self.his_in_count:
            raise PeerError('in_seq_no %d went back (it was %d)' % (in_seq_no, 2 * self.his_in_count + in_seq_no % 2))
        if in_seq_no // 2 > self.out_count:
            raise PeerError('in_seq_no %d says %d messages were received, but only %d were sent' % (in_seq_no, in_seq_no // 2, self.out_count))
        if message['layer'] < self.his_layer:
            raise PeerError('layer %d went back (it was %d)' % (message['layer'], self.his_layer))
        if message['layer'] < 46:
            raise PeerError('layer %d is older than this peer reads' % message['layer'])
        if message['layer'] > self.layer:
            raise PeerError('layer %d is newer than this peer reads (%d)' % (message['layer'], self.layer))
        for entity in message.get('entities', []):
            if entity['layer'] > message['layer']:
                raise PeerError('a %s entity (layer %d) in a layer-%d message' % (entity['type'], entity['layer'], message['layer']))

    def on_action(self, action):
        """Applies an incoming action; returns the service actions to answer with."""
        kind = action['kind']
        if kind == 'notifyLayer':
            self.layer_seen = action['layer']
        elif kind == 'requestKey':
            exchange_id = int(action['exchange_id'])
            if self.rekey is not None and self.rekey['state'] == 'requested':
                if self.rekey['exchange_id'] > exchange_id:
                    return []  # ours wins; the other side drops its request when it sees ours
                if self.rekey['exchange_id'] == exchange_id:
                    self.rekey = None
                    return []
                self.rekey = None
            if self.rekey is not None:
                raise PeerError('requestKey while another re-key is under way')
            if self.forge.pop('bad_g_b', False):
                return [{'kind': 'acceptKey', 'exchange_id': action['exchange_id'], 'g_b': b64(to256(1)), 'key_fingerprint': str(random_long())}]
            b = int.from_bytes(os.urandom(256), 'big')
            key = self.new_key_from(int.from_bytes(unb64(action['g_a']), 'big'), b)
            self.rekey = {'state': 'accepted', 'exchange_id': exchange_id, 'key': key}
            # A forged fingerprint: the acceptKey no longer matches the key its g_b makes.
            delta = self.forge.pop('accept_fingerprint_delta', 0)
            return [{'kind': 'acceptKey', 'exchange_id': action['exchange_id'], 'g_b': b64(to256(pow(self.g, b, self.p))), 'key_fingerprint': str(fingerprint_of(key) + delta)}]
        elif kind == 'acceptKey':
            if self.rekey is None or self.rekey['state'] != 'requested':
                raise PeerError('acceptKey without a requestKey')
            if int(action['exchange_id']) != self.rekey['exchange_id']:
                raise PeerError('acceptKey for exchange %s, not %d' % (action['exchange_id'], self.rekey['exchange_id']))
            key = self.new_key_from(int.from_bytes(unb64(action['g_b']), 'big'), self.rekey['exponent'])
            if fingerprint_of(key) != int(action['key_fingerprint']):
                raise PeerError('acceptKey key_fingerprint mismatch')
            delta = self.forge.pop('commit_fingerprint_delta', 0)
            if delta:  # a commit for another key: the other side must abort the exchange
                self.rekey = {'state': 'forged-commit', 'exchange_id': self.rekey['exchange_id']}
                return [{'kind': 'commitKey', 'exchange_id': action['exchange_id'], 'key_fingerprint': str(fingerprint_of(key) + delta)}]
            self.rekey = {'state': 'committing', 'exchange_id': self.rekey['exchange_id'], 'key': key}
            return [{'kind': 'commitKey', 'exchange_id': action['exchange_id'], 'key_fingerprint': str(fingerprint_of(key))}]
        elif kind == 'commitKey':
            if self.rekey is None or self.rekey['state'] != 'accepted':
                raise PeerError('commitKey without an acceptKey')
            if int(action['exchange_id']) != self.rekey['exchange_id']:
                raise PeerError('commitKey for exchange %s, not %d' % (action['exchange_id'], self.rekey['exchange_id']))
            if int(action['key_fingerprint']) != fingerprint_of(self.rekey['key']):
                raise PeerError('commitKey key_fingerprint mismatch')
            self.switch_key(self.rekey['key'])
        elif kind == 'abortKey':
            if self.rekey is not None and int(action['exchange_id']) == self.rekey['exchange_id']:
                self.rekey = None
        return []

    def answer_resend(self, action, replies):
        start, end = action['start_seq_no'], action['end_seq_no']
        last = 2 * (self.out_count - 1) + (1 if self.creator else 0)
        if start > end or end > last:
            raise PeerError('resend of %d..%d, but out_seq_no only reached %d' % (start, end, last))
        for seq in range(start, end + 1):
            if seq in self.sent:
                tl, key = self.sent[seq]
                # The key it was sealed with while the other side may still read it, else the current one.
                replies.append(b64(self.seal(tl, key if key in (self.key, self.previous_key) else self.key)))

    def switch_key(self, key):
        self.retired.append(self.key)
        self.previous_key, self.key = self.key, key
        self.rekey = None

    def apply(self, message, key, replies):
        self.check_seq(message)
        if key is self.key:
            self.previous_key = None
        self.in_count += 1
        self.his_in_count = message['in_seq_no'] // 2
        self.his_layer = message['layer']
        if message['kind'] == 'service':
            action = message['action']
            for answer in self.on_action(action):
                replies.append(self.send_action(answer)['data'])
            if self.rekey is not None and self.rekey['state'] == 'committing':
                self.switch_key(self.rekey['key'])  # commitKey went out under the old key
            if self.rekey is not None and self.rekey['state'] == 'forged-commit':
                self.rekey = None
            if action['kind'] == 'resend' and not message.get('answered'):
                self.answer_resend(action, replies)

    def hold(self, message, key, replies, expected):
        """A message after a gap: kept; a resend in it met at once; each hole asked for once."""
        parity = expected % 2
        if message['in_seq_no'] % 2 == parity:
            raise PeerError('in_seq_no %d has the wrong parity' % message['in_seq_no'])
        if message['kind'] == 'service' and message['action']['kind'] == 'resend':
            self.answer_resend(message['action'], replies)
            message['answered'] = True
        highest = max([expected - 2] + list(self.held))
        self.held[message['out_seq_no']] = (message, key)
        self.held_since_resend += 1
        hole = None
        if message['out_seq_no'] > highest + 2:
            hole = (highest + 2, message['out_seq_no'] - 2)
        elif self.held_since_resend >= 10:
            hole = (expected, min(self.held) - 2)
        if hole:
            if hole[0] == expected:  # the count is for the lowest hole only
                self.held_since_resend = 0
            replies.append(self.send_action({'kind': 'resend', 'start_seq_no': hole[0], 'end_seq_no': hole[1]})['data'])

    def op_decrypt(self, command):
        tl, key = self.open(unb64(command['data']))
        message = decode_layer(tl)
        if 'file' in command:
            if 'media' not in message:
                raise PeerError('a file came with a message that has no photo or document')
            message['file'] = b64(decrypt_file(message['media'], command['file']))
        message['fingerprint'] = str(fingerprint_of(key))
        replies = []
        delivered = []
        expected = 2 * self.in_count + (0 if self.creator else 1)
        out_seq_no = message['out_seq_no']
        if self.hold_gaps and out_seq_no > expected and out_seq_no % 2 == expected % 2:
            if out_seq_no in self.held:
                raise PeerError('replay: out_seq_no %d is already held' % out_seq_no)
            self.hold(message, key, replies, expected)
            message['held'] = True
        else:
            self.apply(message, key, replies)
            delivered.append(dict(message))
            while self.hold_gaps and 2 * self.in_count + (0 if self.creator else 1) in self.held:
                held, held_key = self.held.pop(2 * self.in_count + (0 if self.creator else 1))
                self.apply(held, held_key, replies)
                delivered.append(dict(held))
            self.held_since_resend = 0  # the lowest hole is filled: the next one gets its own count
            message['held'] = False
        message['replies'] = replies
        message['delivered'] = delivered
        return message

    def op_configure(self, command):
        if 'hold_gaps' in command:
            self.hold_gaps = bool(command['hold_gaps'])
        for name in ('commit_fingerprint_delta', 'accept_fingerprint_delta', 'bad_g_b'):
            if name in command:
                self.forge[name] = command[name]
        return {}

    def op_set_layer(self, command):
        layer = int(command['layer'])
        if layer not in (73, 101, 144):
            raise PeerError('this peer speaks layers 73, 101 and 144, not %d' % layer)
        self.layer = layer
        return {'layer': layer}

    def op_state(self, command):
        return {
            'creator': self.creator,
            'fingerprint': str(fingerprint_of(self.key)) if self.key else None,
            'previous_fingerprint': str(fingerprint_of(self.previous_key)) if self.previous_key else None,
            'out_count': self.out_count,
            'in_count': self.in_count,
            'layer_seen': self.layer_seen,
            'rekey': self.rekey['state'] if self.rekey else None,
            'held': sorted(self.held),
            'his_in_count': self.his_in_count,
        }


def main():
    chat = Chat()
    for line in sys.stdin:
        if not line.strip():
            continue
        before = copy.deepcopy(chat.__dict__)
        try:
            command = json.loads(line)
            handler = getattr(chat, 'op_' + str(command.get('op')), None)
            if handler is None:
                raise PeerError('unknown op %r' % command.get('op'))
            answer = handler(command)
        except (PeerError, ValueError, KeyError, TypeError, AttributeError, struct.error) as error:
            chat.__dict__ = before  # a refused command changes nothing
            answer = {'error': str(error) if isinstance(error, PeerError) else '%s: %s' % (type(error).__name__, error)}
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
