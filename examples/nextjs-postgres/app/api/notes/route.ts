import { isAuthorized } from "@/lib/auth";
import { prisma } from "@/lib/prisma";

export async function POST(request: Request) {
  if (!isAuthorized(request)) {
    return Response.json({ error: "unauthorized" }, { status: 401 });
  }
  const { body } = await request.json();
  if (typeof body !== "string" || body.length === 0 || body.length > 500) {
    return Response.json({ error: "body must be 1-500 characters" }, { status: 400 });
  }
  const note = await prisma.note.create({ data: { body } });
  return Response.json(note, { status: 201 });
}
