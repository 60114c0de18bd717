import { useState } from 'react';
import type { Attachment } from '../api/types';
import { Dialog } from '../ui/Dialog';

/** Images as previews (opening full size), other files as download links. */
export function Attachments({ attachments }: { attachments: Attachment[] }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  if (!attachments.length) return null;
  return (
    <ul className="attachments" role="list">
      {attachments.map((a) =>
        isImage(a) ? (
          <li key={a.id}>
            <button className="image-preview" aria-label={`Open image ${a.filename}`} onClick={() => setOpen(a)}>
              <img src={a.url} alt={a.filename} loading="lazy" width={fit(a).width} height={fit(a).height} />
            </button>
          </li>
        ) : (
          <li key={a.id} className="file">
            <span aria-hidden="true">📄</span>
            <a href={a.url} download={a.filename} rel="noopener noreferrer">
              {a.filename}
            </a>
            <span className="muted">{size(a.size)}</span>
          </li>
        ),
      )}
      {open && (
        <Dialog title={open.filename} onClose={() => setOpen(null)} wide>
          <img className="image-full" src={open.url} alt={open.filename} />
          <a href={open.url} target="_blank" rel="noopener noreferrer">
            Open original
          </a>
        </Dialog>
      )}
    </ul>
  );
}

export function isImage(a: Pick<Attachment, 'content_type' | 'filename'>): boolean {
  return a.content_type ? /^image\/(png|jpeg|gif|webp)$/.test(a.content_type) : /\.(png|jpe?g|gif|webp)$/i.test(a.filename);
}

/** The preview's size: at most 400 x 300, keeping the aspect ratio. */
function fit(a: Attachment): { width?: number; height?: number } {
  if (!a.width || !a.height) return {};
  const scale = Math.min(1, 400 / a.width, 300 / a.height);
  return { width: Math.round(a.width * scale), height: Math.round(a.height * scale) };
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
