/** The CRI ImageService over the engine's image store (the same images `berth images` shows). */
import { statfsSync } from 'node:fs';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';
import type { GrpcHandlers } from './context.js';
import type { CriContext } from './context.js';
import { unary } from './grpc-errors.js';
import { nowNanos } from './util.js';
import type { ImageRecord } from '../image/image-store.js';
import { normalizeImageRef } from '../image/reference.js';

function uidOf(user: string | undefined): { uid: { value: string } | null; username: string } {
  const u = (user ?? '').split(':')[0];
  if (u === '') return { uid: { value: '0' }, username: '' };
  if (/^\d+$/.test(u)) return { uid: { value: u }, username: '' };
  return { uid: null, username: u };
}

function imageView(img: ImageRecord) {
  return {
    id: img.id, repo_tags: img.repoTags, repo_digests: img.repoDigests, size: String(img.size),
    ...uidOf(img.config?.config?.User), spec: { image: img.id, annotations: {}, user_specified_image: '', runtime_handler: '' }, pinned: false,
  };
}

export function imageHandlers(ctx: CriContext): GrpcHandlers {
  const engine = ctx.engine;
  const list = (filter: any) => {
    const all = engine.images.list();
    const want = filter?.image?.image;
    if (!want) return all.map(imageView);
    const one = engine.images.tryResolve(want);
    return one ? [imageView(one)] : [];
  };
  return {
    ListImages: unary('ListImages', (req: any) => ({ images: list(req.filter) })),
    ImageStatus: unary('ImageStatus', (req: any) => {
      const ref = req.image?.image;
      if (!ref) throw new InvalidArgumentError('image.image is required', 'ERR_CRI_INVALID');
      const img = engine.images.tryResolve(ref);
      // CRI: an absent image is not an error, the status is just empty
      if (!img) return { image: null, info: {} };
      return { image: imageView(img), info: req.verbose ? { info: JSON.stringify({ config: img.config }) } : {} };
    }),
    PullImage: unary('PullImage', async (req: any) => {
      const ref = req.image?.image;
      if (!ref) throw new InvalidArgumentError('image.image is required', 'ERR_CRI_INVALID');
      const a = req.auth;
      let auth;
      if (a && (a.username || a.password || a.auth || a.identity_token || a.registry_token)) {
        let { username, password } = a;
        if (a.auth && !username) {
          const dec = Buffer.from(a.auth, 'base64').toString();
          const i = dec.indexOf(':');
          if (i < 0) throw new InvalidArgumentError('auth.auth is not base64 of user:password', 'ERR_CRI_INVALID');
          username = dec.slice(0, i); password = dec.slice(i + 1);
        }
        auth = { username: username || undefined, password: password || undefined, identitytoken: a.identity_token || undefined, registrytoken: a.registry_token || undefined };
      }
      // a name without tag or digest means :latest to the CRI (the engine would pull every tag)
      const pulled = await engine.pull(normalizeImageRef(ref), { auth, bootstrap: false });
      const img = pulled[0] ? engine.images.get(pulled[0].id) : engine.images.tryResolve(ref);
      if (!img) throw new NotFoundError(`pulled ${ref} but cannot find it in the store`, 'ERR_CRI_NOT_FOUND');
      return { image_ref: img.id };
    }),
    RemoveImage: unary('RemoveImage', async (req: any) => {
      const ref = req.image?.image;
      if (!ref) throw new InvalidArgumentError('image.image is required', 'ERR_CRI_INVALID');
      const img = engine.images.tryResolve(ref);
      if (!img) return {}; // idempotent
      // the CRI removes the image with all its names (containerd's behaviour); containers using it keep it
      await engine.images.remove(img.id, {
        force: true,
        inUseBy: (id: string) => {
          const cid = engine.containers.imageInUse(id);
          return cid ? { id: cid, running: Boolean(engine.containers.inspect(cid).State?.Running) } : undefined;
        },
      });
      return {};
    }),
    ImageFsInfo: unary('ImageFsInfo', () => {
      const root = engine.paths.root;
      const st = statfsSync(root);
      const used = (st.blocks - st.bfree) * st.bsize;
      const inodes = st.files - st.ffree;
      const usage = { timestamp: nowNanos(), fs_id: { mountpoint: root }, used_bytes: { value: String(used) }, inodes_used: { value: String(inodes) } };
      return { image_filesystems: [usage], container_filesystems: [usage] };
    }),
  };
}
