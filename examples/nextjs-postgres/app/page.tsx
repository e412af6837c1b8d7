import { prisma } from "@/lib/prisma";

export const dynamic = "force-dynamic";

export default async function Home() {
  const notes = await prisma.note.findMany({ orderBy: { createdAt: "desc" }, take: 20 });
  return (
    <main>
      <h1>{process.env.SITE_TITLE ?? "Notes"}</h1>
      <ul>
        {notes.map((note) => (
          <li key={note.id}>{note.body}</li>
        ))}
      </ul>
    </main>
  );
}
