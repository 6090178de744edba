/**
 * An event as docker's --format templates see it: Go's events.Message struct, so `{{.Time}}`,
 * `{{.TimeNano}}`, `{{.Scope}}`, `{{.Status}}`, `{{.ID}}`, `{{.From}}` are its fields (the API's JSON
 * spells them in lower case), an unknown field is an error, and `{{json .}}` writes Go's JSON of it.
 */
class EventActor {
  constructor(readonly ID: string, readonly Attributes: Record<string, string>) {}
  toJSON(): Record<string, unknown> {
    const attrs: Record<string, string> = {};
    for (const k of Object.keys(this.Attributes).sort()) attrs[k] = this.Attributes[k]!;
    return { ID: this.ID, Attributes: attrs };
  }
}

export class EventMessage {
  readonly Status: string;
  readonly ID: string;
  readonly From: string;
  readonly Type: string;
  readonly Action: string;
  readonly Actor: EventActor;
  readonly Scope: string;
  readonly Time: number;
  readonly TimeNano: number;

  constructor(ev: any = {}) {
    this.Status = ev.status ?? '';
    this.ID = ev.id ?? '';
    this.From = ev.from ?? '';
    this.Type = ev.Type ?? '';
    this.Action = ev.Action ?? '';
    this.Actor = new EventActor(ev.Actor?.ID ?? '', ev.Actor?.Attributes ?? {});
    this.Scope = ev.scope ?? '';
    this.Time = ev.time ?? 0;
    this.TimeNano = ev.timeNano ?? 0;
  }

  /** Go's encoding of events.Message: struct order, omitempty where the struct says so. */
  toJSON(): Record<string, unknown> {
    return {
      ...(this.Status ? { status: this.Status } : {}),
      ...(this.ID ? { id: this.ID } : {}),
      ...(this.From ? { from: this.From } : {}),
      Type: this.Type,
      Action: this.Action,
      Actor: this.Actor,
      ...(this.Scope ? { scope: this.Scope } : {}),
      ...(this.Time ? { time: this.Time } : {}),
      ...(this.TimeNano ? { timeNano: this.TimeNano } : {}),
    };
  }
}
